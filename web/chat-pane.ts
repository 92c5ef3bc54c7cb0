// One chat with its transport: the strategy switcher, the status line, the
// conversation, the box to type in, and the wire view. The chat page shows
// one pane; the compare view shows two, each with its own transport.
//
// Switching strategy stops the old transport and starts the new one. When
// both speak message-id cursors, the new one resumes right after the last
// message the old one delivered, so nothing is lost; otherwise it starts from
// the recent history. Either way the log shows each message once.

import { checkDraft, DraftError, MAX_TEXT_LENGTH } from '../wire/draft.ts';
import type { Config, Draft } from '../wire/types.ts';
import { ChatLog } from './chat-log.ts';
import { clockTime, element } from './element.ts';
import { strategyLabel } from './i18n/messages.ts';
import { pageText } from './i18n/page-language.ts';
import { StrategySwitcher } from './strategy-switcher.ts';
import { transports } from './transports/registry.ts';
import type { Delivery, Status, Transport } from './transports/transport.ts';
import { WireView } from './wire-view.ts';

export interface ChatPaneOptions {
  config: Config;
  /** Unique on the page: names the radio group and the ids of inputs. */
  key: string;
  /** The name to post under. */
  author: () => string;
  /** Told after every switch, to keep the URL in step. */
  onSwitch?: (strategy: string) => void;
}

export class ChatPane {
  private transport: Transport | undefined;
  /** The last message id delivered by a transport with message-id cursors: where the next one resumes. */
  private resumeAfterId: string | undefined;
  private readonly switcher: StrategySwitcher;
  private readonly statusLine: HTMLElement;
  private readonly log: ChatLog;
  private readonly wireView: WireView;
  private readonly input: HTMLInputElement;

  constructor(root: HTMLElement, private readonly options: ChatPaneOptions) {
    root.classList.add('pane');
    const head = element('div', 'pane-head');
    this.switcher = new StrategySwitcher(head, options.config.strategies, `strategy-${options.key}`, (name) => this.switchTo(name));
    this.statusLine = element('p', 'status', { role: 'status', 'data-state': 'connecting' });
    head.append(this.statusLine);

    const words = pageText();
    const chat = element('section', 'pane-chat', { 'aria-label': words.chat.label });
    this.log = new ChatLog(chat);
    const inputId = `message-${options.key}`;
    this.input = element('input', '', { id: inputId, type: 'text', maxlength: MAX_TEXT_LENGTH, autocomplete: 'off', placeholder: words.chat.placeholder });
    const form = element('form', 'composer', {}, [
      element('label', '', { for: inputId }, [words.chat.message]),
      this.input,
      element('button', '', { type: 'submit' }, [words.chat.send]),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    chat.append(form);

    const wire = element('section', 'pane-wire', { 'aria-label': words.wire.label }, [element('h2', '', {}, [words.wire.heading])]);
    this.wireView = new WireView(wire);
    root.append(head, chat, wire);
  }

  /** Stop the current transport, if any, and receive through `strategy` from now on. */
  switchTo(strategy: string): void {
    const factory = transports[strategy];
    const info = this.options.config.strategies.find((candidate) => candidate.name === strategy);
    if (!factory || !info || strategy === this.transport?.strategy) return;
    const previous = this.transport;
    previous?.stop();

    const next = factory(info);
    this.transport = next;
    next.onMessage((delivery) => next === this.transport && this.receive(next, delivery));
    next.onWire((event) => this.wireView.record(event));
    next.onStatus((status) => next === this.transport && this.showStatus(status));
    // Only a transport that missed nothing can vouch for "everything up to this id".
    const afterId = previous && !previous.cursorIsMessageId ? undefined : this.resumeAfterId;
    const words = pageText();
    const label = strategyLabel(words, strategy);
    if (previous) this.log.notice(words.chat.switched(clockTime(Date.now()), strategyLabel(words, previous.strategy), label));
    this.wireView.resetCounters(words.wire.countersSince(clockTime(Date.now()), label));
    this.switcher.show(strategy);
    next.start({ afterId });
    this.options.onSwitch?.(strategy);
  }

  focusInput(): void {
    this.input.focus();
  }

  private receive(from: Transport, delivery: Delivery): void {
    if (delivery.gap) this.log.notice(pageText().chat.gap);
    this.log.add(delivery.messages);
    this.wireView.recordDelivery(delivery);
    const last = delivery.messages.at(-1);
    if (from.cursorIsMessageId && last) this.resumeAfterId = last.id;
  }

  private async send(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || !this.transport) return;
    let draft: Draft;
    try {
      // The server's own rule (wire/draft.ts): a message it would refuse is not sent, with the sentence it would answer.
      draft = checkDraft({ author: this.options.author(), text });
    } catch (error) {
      if (!(error instanceof DraftError)) throw error;
      this.log.notice(pageText().chat.notSent(error.message));
      return;
    }
    this.input.value = '';
    try {
      const accepted = await this.transport.send(draft);
      this.log.addSent(accepted.id, accepted.ts, draft);
    } catch (error) {
      this.log.notice(pageText().chat.notSent(error instanceof Error ? error.message : String(error)));
      if (!this.input.value) this.input.value = text; // give the text back to retry
    }
  }

  /** "waiting · long-poll · held by the server until news arrives"; data-state keeps the state's own name for styles and tests. */
  private showStatus({ state, detail }: Status): void {
    const words = pageText();
    this.statusLine.dataset.state = state;
    this.statusLine.replaceChildren(
      element('span', 'dot', { 'aria-hidden': 'true' }),
      element('strong', '', {}, [words.status.states[state]]),
      ` · ${strategyLabel(words, this.transport?.strategy ?? '')} · ${detail}`,
    );
  }
}
