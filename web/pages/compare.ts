// The compare view (/compare?left=short-poll&right=long-poll): two chats in
// the same room side by side, each receiving through its own strategy.

import { fetchConfig } from '../api.ts';
import { ChatPane } from '../chat-pane.ts';
import { byId } from '../element.ts';
import { pageText, setUpPageLanguage } from '../i18n/page-language.ts';
import { savedName, setUpLargeText, setUpNameField } from '../preferences.ts';
import { pickStrategy } from '../strategy-switcher.ts';
import { showFailure } from './failure.ts';

/** What each side shows when the URL does not say: the contrast the course starts with. */
const DEFAULTS = { left: 'short-poll', right: 'long-poll' } as const;

async function main(): Promise<void> {
  setUpPageLanguage(byId<HTMLSelectElement>('language'));
  setUpLargeText(byId<HTMLInputElement>('large-text'));
  const nameField = byId<HTMLInputElement>('name');
  setUpNameField(nameField);
  const config = await fetchConfig();
  const query = new URLSearchParams(location.search);

  for (const side of ['left', 'right'] as const) {
    const strategy = pickStrategy(config.strategies, query.get(side) ?? DEFAULTS[side], config.defaultStrategy);
    if (!strategy) throw new Error(pageText().failure.noStrategy);
    const pane = new ChatPane(byId(side), {
      config,
      key: side,
      author: () => nameField.value.trim() || savedName(),
      onSwitch: (name) => {
        const url = new URL(location.href);
        url.searchParams.set(side, name);
        history.replaceState(null, '', url);
      },
    });
    pane.switchTo(strategy);
  }
}

main().catch(showFailure);
