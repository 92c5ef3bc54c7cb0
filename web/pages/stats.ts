// The server panel page (/stats): the server's charts, big, and the join panel.

import { fetchConfig } from '../api.ts';
import { byId } from '../element.ts';
import { setUpPageLanguage } from '../i18n/page-language.ts';
import { showJoinPanel } from '../join-panel.ts';
import { setUpLargeText } from '../preferences.ts';
import { ServerPanel } from '../server-panel.ts';
import { showFailure } from './failure.ts';

async function main(): Promise<void> {
  setUpPageLanguage(byId<HTMLSelectElement>('language'));
  setUpLargeText(byId<HTMLInputElement>('large-text'));
  new ServerPanel(byId('server-panel')).start();
  const config = await fetchConfig();
  await showJoinPanel(byId('join-panel'), config.joinUrls);
}

main().catch(showFailure);
