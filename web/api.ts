// The two read-only API calls the pages make besides the transports' own.

import type { Config, Stats } from '../wire/types.ts';
import { pageText } from './i18n/page-language.ts';

export async function fetchConfig(): Promise<Config> {
  return getJson<Config>('/api/config');
}

export async function fetchStats(): Promise<Stats> {
  return getJson<Stats>('/api/stats');
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(pageText().failure.answered(url, response.status));
  return (await response.json()) as T;
}
