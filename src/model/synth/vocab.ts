/**
 * Small vocabularies the synthetic model set draws from. They mirror what the test vectors contain
 * (SPEC §12.2): add-on name words, e-mail-like domains, cities, locales and OS names.
 */

export const WORDS = [
  'focus', 'reader', 'color', 'mouse', 'sort', 'decentral', 'start', 'ghostery', 'pdf', 'tab', 'gopher',
  'viewer', 'speed', 'read', 'site', 'foxy', 'leech', 'everywhere', 'dark', 'finder', 'sidebery', 'stylus',
  'monkey', 'new', 'anchor', 'auto', 'manager', 'mute', 'night', 'link', 'enhancer', 'buddy', 'history',
  'emoji', 'privacy', 'clear', 'simple', 'search', 'session', 'view', 'note', 'aloud', 'vault', 'font',
  'volume', 'video', 'shot', 'ublock', 'tree', 'grammar', 'cache', 'counter', 'booster', 'weather', 'pocket',
  'screen', 'style', 'page', 'mode', 'groups', 'keyboard', 'image', 'cookie', 'delete', 'agent', 'save',
  'sound', 'proxy', 'formatter', 'container', 'dictionary', 'dial', 'badger', 'clipboard', 'zoom', 'violent',
  'ruler', 'user', 'timer', 'json', 'https', 'block', 'zilla', 'helper', 'forecast', 'picker', 'translate',
  'password', 'download', 'bookmark', 'reload', 'theme', 'scroll', 'lens', 'calendar', 'tracker', 'player',
] as const;

/** Domains of the `name@domain` GUID style. */
export const PROVIDERS = [
  'gmail.com', 'outlook.com', 'example.net', 'example.com', 'github.io', 'addons.dev', 'eff.org', 'yandex.ru',
  'raymondhill.net', 'mozilla.org', 'web.de', 'protonmail.com',
] as const;

export const TLDS = ['io', 'net', 'org'] as const;

export const CITIES = [
  'Los Angeles', 'Toronto', 'Madrid', 'Munich', 'Zagreb', 'Rome', 'Vilnius', 'Sofia', 'Sao Paulo', 'Bucharest',
  'Berlin', 'Kyiv', 'Stockholm', 'Guadalajara', 'Copenhagen', 'Busan', 'Tehran', 'Seattle', 'Bangkok',
  'Beijing', 'Budapest', 'Barcelona', 'Kharkiv', 'Oslo', 'Warsaw', 'Hamburg', 'Seoul', 'Mexico City', '??',
  'Shanghai', 'Rotterdam', 'Taipei', 'Brno', 'Prague', 'Chicago', 'London', 'Espoo', 'Istanbul', 'Amsterdam',
  'Belgrade', 'Porto', 'Paris', 'Santiago', 'Jakarta', 'Hanoi', 'Manchester', 'New York', 'Cairo', 'Osaka',
  'Ankara', 'Buenos Aires', 'Lyon', 'Moscow', 'Bratislava', 'Helsinki', 'Athens', 'Tokyo', 'Lisbon',
  'Tel Aviv', 'Cordoba',
] as const;

/** Most used first: locale popularity follows this order. The first 40 are the vectors' locales. */
export const LOCALES = [
  'en-US', 'de', 'fr', 'en-GB', 'es-ES', 'ru', 'pl', 'pt-BR', 'it', 'ja', 'zh-CN', 'es-MX', 'nl', 'tr', 'cs',
  'hu', 'zh-TW', 'sv-SE', 'es-AR', 'uk', 'id', 'ko', 'fi', 'da', 'el', 'ro', 'nb-NO', 'vi', 'sk', 'pt-PT', 'bg',
  'es-CL', 'he', 'ar', 'th', 'hr', 'lt', 'sr', 'ca', 'fa', 'et', 'lv', 'sl', 'ms', 'hi-IN', 'bn', 'ta', 'en-CA',
  'fr-CA', 'de-AT', 'de-CH', 'nn-NO', 'is', 'ga-IE', 'cy', 'eu', 'gl', 'ka', 'hy-AM', 'az', 'kk', 'uz', 'mk',
  'sq', 'bs', 'be', 'af', 'sw', 'ur', 'te', 'mr', 'gu-IN', 'kn', 'ml', 'pa-IN', 'si', 'my', 'km', 'lo', 'ne-NP',
] as const;

/** TAAR's OS strings with the donors' observed shares (SPEC §12.2 vectors: 80 / 11 / 9 %). */
export const OS_NAMES = ['Windows_NT', 'Darwin', 'Linux'] as const;
export const OS_WEIGHTS = [0.8, 0.11, 0.09] as const;

/** Ranking-only add-ons that TAAR's install ranking counts but clients never report (SPEC §4, §5.9). */
export const SYSTEM_ADDON_PREFIX = 'system-addon-';
export const SYSTEM_ADDON_SUFFIX = '@mozilla.org';
