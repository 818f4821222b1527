/**
 * Telling a person that mail arrived while they look elsewhere: a badge on the favicon (always),
 * a browser notification (only once they asked for it, with a click: the permission prompt
 * needs a user gesture) and a short sound (off until they turn it on). Preferences are kept in
 * localStorage.
 */

const NOTIFY_KEY = 'tempmail.notify.v1';
const SOUND_KEY = 'tempmail.sound.v1';

const ICON_BODY =
  "%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E" +
  "%3Cpath d='M7 11h18v11H7z' fill='none' stroke='%23fff' stroke-width='2' stroke-linejoin='round'/%3E" +
  "%3Cpath d='m7 11 9 7 9-7' fill='none' stroke='%23fff' stroke-width='2' stroke-linejoin='round'/%3E";

function iconUrl(unread: number): string {
  const badge =
    unread > 0
      ? "%3Ccircle cx='25' cy='7' r='7' fill='%23d92d20' stroke='%23fff' stroke-width='1.5'/%3E" +
        `%3Ctext x='25' y='10.5' font-size='10' font-family='sans-serif' font-weight='700' text-anchor='middle' fill='%23fff'%3E${unread > 9 ? '9%2B' : unread}%3C/text%3E`
      : '';
  return `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E${ICON_BODY}${badge}%3C/svg%3E`;
}

/** Shows the unread count on the tab's icon (a red dot with the number; none at zero). */
export function setFaviconBadge(unread: number): void {
  const link = document.querySelector<HTMLLinkElement>('link[rel=icon]');
  if (!link) return;
  link.href = iconUrl(unread);
  link.dataset.unread = String(unread);
}

function getFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function setFlag(key: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(key, '1');
    else localStorage.removeItem(key);
  } catch {
    // not kept: it stays on for this visit only
  }
}

export const notificationsSupported = (): boolean => typeof Notification !== 'undefined';

/** On when the person turned notifications on and the browser still allows them. */
export function notificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === 'granted' && getFlag(NOTIFY_KEY);
}

/** Turns notifications on (asking the browser, from the click that called this) or off. */
export async function setNotifications(on: boolean): Promise<boolean> {
  if (!on || !notificationsSupported()) {
    setFlag(NOTIFY_KEY, false);
    return false;
  }
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  setFlag(NOTIFY_KEY, permission === 'granted');
  return permission === 'granted';
}

export const soundOn = (): boolean => getFlag(SOUND_KEY);
export const setSound = (on: boolean): void => setFlag(SOUND_KEY, on);

let audio: AudioContext | null = null;

/** A short two-note chime (Web Audio; nothing to download). */
function chime(): void {
  audio ??= new AudioContext();
  const t = audio.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t + i * 0.12);
    osc.stop(t + i * 0.12 + 0.3);
  }
}

/** Tells the person about new mail: a notification when the tab is hidden, the sound when on. */
export function alertNewMail(title: string, body: string, tag: string): void {
  if (document.hidden && notificationsOn()) {
    try {
      new Notification(title, { body, tag });
    } catch {
      // some browsers only notify from a service worker: the badge and the title still tell
    }
  }
  if (soundOn()) {
    try {
      chime();
    } catch {
      // no audio output: the other signs still tell
    }
  }
}
