// The strategy switcher: one radio button per strategy the server offers.
// Radio buttons rather than a drop-down so every choice is visible at once
// (and arrow keys move between them). A strategy the server offers but this
// client has no transport for is listed, disabled, rather than hidden.
// Each is labelled in the page's language; the line below the buttons gives
// the chosen one's name as `--strategy` takes it, what it does, and its settings.

import type { StrategyInfo } from '../wire/types.ts';
import { element } from './element.ts';
import { settingName, strategyLabel, strategySummary, type Messages } from './i18n/messages.ts';
import { pageText } from './i18n/page-language.ts';
import { hasTransport } from './transports/registry.ts';

export class StrategySwitcher {
  private readonly radios = new Map<string, HTMLInputElement>();
  private readonly about: HTMLElement;

  constructor(
    container: HTMLElement,
    private readonly strategies: StrategyInfo[],
    /** Radio groups need a name unique on the page (the compare view has two switchers). */
    groupName: string,
    onChoose: (strategy: string) => void,
  ) {
    const words = pageText();
    const fieldset = element('fieldset', 'switcher', {}, [element('legend', '', {}, [words.switcher.legend])]);
    for (const info of strategies) {
      const usable = hasTransport(info.name);
      const radio = element('input', '', { type: 'radio', name: groupName, value: info.name, disabled: !usable });
      radio.addEventListener('change', () => radio.checked && onChoose(info.name));
      this.radios.set(info.name, radio);
      const summary = strategySummary(words, info);
      const title = usable ? summary : words.switcher.noClient(summary);
      fieldset.append(element('label', usable ? '' : 'unavailable', { title }, [radio, strategyLabel(words, info.name)]));
    }
    this.about = element('p', 'strategy-about', { 'aria-live': 'polite' });
    container.append(fieldset, this.about);
  }

  /** Show `strategy` as chosen (without telling onChoose: the caller already knows). */
  show(strategy: string): void {
    const radio = this.radios.get(strategy);
    if (radio) radio.checked = true;
    const info = this.strategies.find((candidate) => candidate.name === strategy);
    if (!info) return this.about.replaceChildren();
    const words = pageText();
    this.about.replaceChildren(element('code', '', {}, [info.name]), ` · ${strategySummary(words, info)}${describeSettings(words, info)}`);
  }
}

/** "pollIntervalMs: 1000, holdTimeoutMs: 25000" -> "(poll interval 1000 ms, hold timeout 25000 ms)" */
function describeSettings(words: Messages, info: StrategyInfo): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(info)) {
    if (key === 'name' || key === 'summary' || typeof value !== 'number') continue;
    parts.push(`${settingName(words, key)} ${value}${key.endsWith('Ms') ? ' ms' : ''}`);
  }
  return parts.length > 0 ? words.switcher.settings(parts) : '';
}

/** The strategy to open with: the one asked for if usable, else the server's default, else any usable one. */
export function pickStrategy(strategies: StrategyInfo[], wanted: string | null, serverDefault: string): string | undefined {
  for (const candidate of [wanted, serverDefault]) {
    if (candidate && strategies.some((info) => info.name === candidate) && hasTransport(candidate)) return candidate;
  }
  return strategies.find((info) => hasTransport(info.name))?.name;
}
