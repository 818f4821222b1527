/** Two switches in the header: browser notifications (asked on click) and the sound (off by default). */
import { useState } from 'preact/hooks';
import { notificationsOn, notificationsSupported, setNotifications, setSound, soundOn } from '../attention.ts';

export function AlertToggles(p: { announce(text: string): void }) {
  const [notify, setNotify] = useState(notificationsOn);
  const [sound, setSoundState] = useState(soundOn);
  const toggleNotify = async () => {
    const on = await setNotifications(!notify);
    setNotify(on);
    if (!notify && !on) p.announce('Notifications are blocked by the browser for this site.');
    else p.announce(on ? 'You will be notified of new mail while this tab is in the background.' : 'Notifications off.');
  };
  const toggleSound = () => {
    setSound(!sound);
    setSoundState(!sound);
    p.announce(sound ? 'Sound off.' : 'A sound plays when mail arrives.');
  };
  return (
    <div class="toggles">
      {notificationsSupported() && (
        <button type="button" class="toggle" aria-pressed={notify} onClick={() => void toggleNotify()} data-testid="notify-toggle">
          Notifications
        </button>
      )}
      <button type="button" class="toggle" aria-pressed={sound} onClick={toggleSound} data-testid="sound-toggle">
        Sound
      </button>
    </div>
  );
}
