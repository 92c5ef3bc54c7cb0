// The chat page (/): one chat, its wire view, and the side panels.
// ?strategy=<name> opens it on that strategy; switching updates the URL.
// ?lesson=<n> opens the Lessons panel on that lesson; ?lang=zh-CN speaks Chinese.

import { fetchConfig } from '../api.ts';
import { ChatPane } from '../chat-pane.ts';
import { byId } from '../element.ts';
import { pageText, setUpPageLanguage } from '../i18n/page-language.ts';
import { showJoinPanel } from '../join-panel.ts';
import { setUpLessonsPanel } from '../lessons-panel.ts';
import { savedName, setUpLargeText, setUpNameField } from '../preferences.ts';
import { ServerPanel } from '../server-panel.ts';
import { pickStrategy } from '../strategy-switcher.ts';
import { showFailure } from './failure.ts';

async function main(): Promise<void> {
  setUpPageLanguage(byId<HTMLSelectElement>('language'));
  setUpLargeText(byId<HTMLInputElement>('large-text'));
  const nameField = byId<HTMLInputElement>('name');
  setUpNameField(nameField);
  // The lessons need nothing from the chat: they open even if the chat cannot start.
  setUpLessonsPanel(byId<HTMLDetailsElement>('lessons-details'), byId('lessons-panel'));

  const config = await fetchConfig();
  const root = byId('pane');
  root.replaceChildren();
  const strategy = pickStrategy(config.strategies, new URLSearchParams(location.search).get('strategy'), config.defaultStrategy);
  if (!strategy) throw new Error(pageText().failure.noStrategy);

  const pane = new ChatPane(root, {
    config,
    key: 'chat',
    author: () => nameField.value.trim() || savedName(),
    onSwitch: (name) => {
      const url = new URL(location.href);
      url.searchParams.set('strategy', name);
      history.replaceState(null, '', url);
    },
  });
  pane.switchTo(strategy);
  pane.focusInput();

  // The server panel reads /api/stats only while it is open: a closed panel costs the server nothing.
  const serverDetails = byId<HTMLDetailsElement>('server-details');
  const serverPanel = new ServerPanel(byId('server-panel'));
  serverDetails.addEventListener('toggle', () => (serverDetails.open ? serverPanel.start() : serverPanel.stop()));
  await showJoinPanel(byId('join-panel'), config.joinUrls);
}

main().catch(showFailure);
