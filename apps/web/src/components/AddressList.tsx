/** "Your addresses": every live mailbox this browser made, to switch to or delete. */
import type { Mailbox } from '../api.ts';
import { formatCountdown } from '../format.ts';
import { TrashIcon } from './icons.tsx';

export interface AddressListProps {
  addresses: Mailbox[];
  current: Mailbox | null;
  now: number;
  /** Opened by itself when the page needs the person to choose (cap reached). */
  open: boolean;
  disabled: boolean;
  onSwitch(mb: Mailbox): void;
  onDelete(mb: Mailbox): void;
}

export function AddressList(p: AddressListProps) {
  if (p.addresses.length === 0) return null;
  return (
    <details class="addresses" open={p.open || undefined} data-testid="addresses">
      <summary>
        Your addresses <span class="count">{p.addresses.length}</span>
      </summary>
      <ul class="address-list">
        {p.addresses.map((m) => {
          const isCurrent = p.current?.email === m.email;
          return (
            <li key={m.email} class={isCurrent ? 'is-current' : undefined} data-testid="address-item" data-email={m.email}>
              <span class="address-item-email">{m.email}</span>
              <span class="address-item-left">{formatCountdown(Date.parse(m.expires_at) - p.now)} left</span>
              {isCurrent ? (
                <span class="address-item-tag" aria-current="true">
                  Shown
                </span>
              ) : (
                <button type="button" class="btn btn-small" onClick={() => p.onSwitch(m)} aria-label={`Show ${m.email}`}>
                  Show
                </button>
              )}
              <button
                type="button"
                class="btn btn-small btn-danger"
                onClick={() => p.onDelete(m)}
                disabled={p.disabled}
                aria-label={`Delete ${m.email}`}
              >
                <TrashIcon />
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
