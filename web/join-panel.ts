// Joining from the class: the address other machines should open, as a link
// and as a QR code for phones. The server lists LAN addresses in /api/config
// when it listens on every interface (--host 0.0.0.0); on 127.0.0.1 it lists
// only itself, which other machines cannot reach, and the panel says so.

import QRCode from 'qrcode';
import { element } from './element.ts';
import { pageText } from './i18n/page-language.ts';

/** Size of the QR code image, in CSS pixels (drawn at twice that for sharp projection). */
const QR_SIZE = 180;

export async function showJoinPanel(container: HTMLElement, joinUrls: string[]): Promise<void> {
  const words = pageText().join;
  const localOnly = joinUrls.every((url) => /\/\/(127\.|localhost|\[::1\])/.test(url));
  if (localOnly) {
    container.append(
      element('p', 'hint', {}, [words.localOnlyBefore, element('code', '', {}, ['npm start -- --host 0.0.0.0']), words.localOnlyAfter]),
    );
  }
  for (const url of joinUrls) {
    const link = element('a', 'join-url', { href: url }, [url]);
    const figure = element('figure', 'join', {}, [element('figcaption', '', {}, [link])]);
    container.append(figure);
    try {
      const dataUrl = await QRCode.toDataURL(url, { margin: 1, width: QR_SIZE * 2 });
      const image = element('img', 'qr', { src: dataUrl, width: QR_SIZE, height: QR_SIZE, alt: words.qrCode(url) });
      figure.prepend(image);
    } catch (error) {
      figure.append(element('p', 'hint', {}, [words.noQrCode(String(error))]));
    }
  }
}
