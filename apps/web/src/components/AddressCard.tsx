/** The current address with Copy, its countdown, and the new / delete / lifetime controls. */
import type { Mailbox } from '../api.ts';
import { describeDuration, formatClock, formatCountdown } from '../format.ts';
import { CopyButton } from './CopyButton.tsx';
import { ClockIcon, RefreshIcon, TrashIcon } from './icons.tsx';

/** Lifetimes offered for new addresses, in seconds. */
export const TTL_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 600, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86400, label: '1 day' },
];

export interface AddressCardProps {
  mailbox: Mailbox | null;
  now: number;
  ttl: number;
  busy: 'new' | 'delete' | null;
  error: string | null;
  notice: string | null;
  onTtl(seconds: number): void;
  onNew(): void;
  onDelete(): void;
  announce(text: string): void;
}

export function AddressCard(p: AddressCardProps) {
  const left = p.mailbox ? Date.parse(p.mailbox.expires_at) - p.now : 0;
  const low = p.mailbox !== null && left < 60_000;
  return (
    <section class="card address-card" aria-labelledby="address-heading">
      <h1 id="address-heading" class="eyebrow">
        Your temporary address
      </h1>
      <div class="address-row">
        <p id="address" class={`address${p.mailbox ? '' : ' is-loading'}`} aria-live="polite" data-testid="address">
          {p.mailbox ? <EmailText email={p.mailbox.email} /> : 'Creating an address…'}
        </p>
        <CopyButton
          class="btn btn-primary btn-copy"
          text={p.mailbox?.email ?? ''}
          label="Copy"
          ariaLabel="Copy address"
          spoken="Address copied to the clipboard"
          announce={p.announce}
        />
      </div>
      <div class="address-meta">
        <p class={`countdown${low ? ' is-low' : ''}`}>
          <ClockIcon />
          {p.mailbox ? (
            <>
              <span>Expires in</span>{' '}
              <span role="timer" aria-live="off" class="countdown-value" data-testid="countdown">
                {formatCountdown(left)}
              </span>
              <span class="sr-only">
                {`, about ${describeDuration(left)}, at ${formatClock(p.mailbox.expires_at)}`}
              </span>
            </>
          ) : (
            <span>&nbsp;</span>
          )}
        </p>
        <div class="controls">
          <label class="ttl">
            <span class="ttl-label">Lifetime</span>
            <select
              value={String(p.ttl)}
              onChange={(e) => p.onTtl(Number((e.currentTarget as HTMLSelectElement).value))}
              aria-describedby="ttl-hint"
            >
              {TTL_CHOICES.map((c) => (
                <option key={c.seconds} value={String(c.seconds)}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn" onClick={p.onNew} disabled={p.busy !== null} data-testid="new-address">
            <RefreshIcon class={p.busy === 'new' ? 'spin' : undefined} />
            <span class="btn-label">New address</span>
          </button>
          <button
            type="button"
            class="btn btn-danger"
            onClick={p.onDelete}
            disabled={p.busy !== null || !p.mailbox}
            data-testid="delete-address"
          >
            <TrashIcon />
            <span class="btn-label">Delete</span>
          </button>
        </div>
      </div>
      <p id="ttl-hint" class={`card-note${p.error ? ' is-error' : ''}`} aria-live="polite" data-testid="card-note">
        {p.error ?? p.notice ?? 'The lifetime applies to the next new address. Mail is deleted when the address expires.'}
      </p>
    </section>
  );
}

/** The address with a line-break opportunity after the `@` (never inside the domain). */
function EmailText({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at < 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}
