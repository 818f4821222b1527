/**
 * The current address with Copy, its countdown, the lifetime / add time / new / delete
 * controls, the warnings (expiring soon, expired, no new address allowed yet) and "your
 * addresses".
 */
import type { DeletionReceipt, Mailbox } from '../api.ts';
import { describeDuration, formatClock, formatCountdown } from '../format.ts';
import type { Blocked, Busy, Notice } from '../use-mailboxes.ts';
import { AddressList } from './AddressList.tsx';
import { CopyButton } from './CopyButton.tsx';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ClockIcon, PlusIcon, QrIcon, RefreshIcon, TrashIcon } from './icons.tsx';
import type { NameFormProps } from './NameForm.tsx';
import type { QrDialogProps } from './QrDialog.tsx';

/** Lifetimes offered for new addresses (and added by "Add time"), in seconds. */
export const TTL_CHOICES: { seconds: number; label: string }[] = [
  { seconds: 600, label: '10 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86400, label: '1 day' },
];

/** Time left under which the card warns that the address is about to expire. */
export const WARN_BEFORE_MS = 5 * 60_000;

export interface AddressCardProps {
  mailbox: Mailbox | null;
  expired: boolean;
  addresses: Mailbox[];
  now: number;
  ttl: number;
  busy: Busy;
  error: string | null;
  notice: Notice | null;
  blocked: Blocked | null;
  onTtl(seconds: number): void;
  /** The server's receiving domains (a picker appears when there are several). */
  domains: string[];
  domain: string;
  onDomain(domain: string): void;
  onNew(): void;
  /** Whether the server takes a chosen name (the "Choose a name" control shows only then). */
  namesAllowed: boolean;
  /** Why the server refused the chosen name, for the name field. */
  nameError: string | null;
  onNewNamed(name: string): void;
  /** The name form was closed (its pending name is dropped). */
  onNameClosed(): void;
  onExtend(): void;
  /** Asks, then deletes (the current address, or one from the list). */
  onDelete(mb: Mailbox): void;
  onSwitch(mb: Mailbox): void;
  onRetryNow(): void;
  /** Keep the shown address; no new one (the cap's banner). */
  onStopTrying(): void;
  announce(text: string): void;
}

export function AddressCard(p: AddressCardProps) {
  const left = p.mailbox ? Date.parse(p.mailbox.expires_at) - p.now : 0;
  const low = p.mailbox !== null && !p.expired && left < 60_000;
  const ttlLabel = TTL_CHOICES.find((c) => c.seconds === p.ttl)?.label ?? describeDuration(p.ttl * 1000);
  // The dialog and its QR encoder load on first use, not with the page.
  const [Qr, setQr] = useState<((q: QrDialogProps) => JSX.Element) | null>(null);
  const [qrFailed, setQrFailed] = useState(false);
  const [naming, setNaming] = useState(false);
  // The name form is a chunk of its own too, loaded on the first "Choose a name".
  const [NameForm, setNameForm] = useState<((f: NameFormProps) => JSX.Element) | null>(null);
  const [nameFailed, setNameFailed] = useState(false);
  const openNaming = () => {
    setNaming(true);
    if (!NameForm) import('./NameForm.tsx').then((m) => setNameForm(() => m.NameForm), () => setNameFailed(true));
  };
  const closeNaming = (refocus: boolean) => {
    setNaming(false);
    p.onNameClosed();
    if (refocus) setTimeout(() => document.getElementById('choose-name')?.focus(), 0);
  };
  const domain = p.domain || (p.mailbox?.email.split('@')[1] ?? '');
  const openQr = () => {
    import('./QrDialog.tsx').then((m) => setQr(() => m.QrDialog), () => setQrFailed(true));
  };
  return (
    <section class="card address-card" aria-labelledby="address-heading">
      <h1 id="address-heading" class="eyebrow">
        Your temporary address
      </h1>
      <div class="address-row">
        <p id="address" class={`address${p.mailbox ? '' : ' is-loading'}${p.expired ? ' is-expired' : ''}`} aria-live="polite" data-testid="address">
          {p.mailbox ? <EmailText email={p.mailbox.email} /> : p.busy === 'new' ? 'Creating an address…' : 'No address yet'}
        </p>
        <CopyButton
          class="btn btn-primary btn-copy"
          text={p.mailbox?.email ?? ''}
          label="Copy"
          ariaLabel="Copy address"
          spoken="Address copied to the clipboard"
          announce={p.announce}
        />
        <button
          type="button"
          class="btn btn-qr"
          onClick={openQr}
          disabled={!p.mailbox || p.expired}
          aria-label="Show a QR code"
          data-testid="show-qr"
        >
          <QrIcon />
          <span class="btn-label">QR</span>
        </button>
      </div>
      {Qr && p.mailbox && <Qr mailbox={p.mailbox} onClose={() => setQr(null)} />}
      {qrFailed && <p class="card-note is-error">The QR code could not be loaded; reload the page to try again.</p>}
      <div class="address-meta">
        <p class={`countdown${low ? ' is-low' : ''}${p.expired ? ' is-expired' : ''}`}>
          <ClockIcon />
          {p.mailbox && p.expired ? (
            <span data-testid="countdown">Expired at {formatClock(p.mailbox.expires_at)}</span>
          ) : p.mailbox ? (
            <>
              <span>Expires in</span>{' '}
              <span role="timer" aria-live="off" class="countdown-value" data-testid="countdown">
                {formatCountdown(left)}
              </span>
              <span class="sr-only">{`, about ${describeDuration(left)}, at ${formatClock(p.mailbox.expires_at)}`}</span>
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
          {p.domains.length > 1 && (
            <label class="ttl">
              <span class="ttl-label">Domain</span>
              <select
                value={p.domain}
                onChange={(e) => p.onDomain((e.currentTarget as HTMLSelectElement).value)}
                aria-describedby="ttl-hint"
                data-testid="domain-picker"
              >
                {p.domains.map((d) => (
                  <option key={d} value={d}>
                    @{d}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            class="btn"
            onClick={p.onExtend}
            disabled={p.busy !== null || !p.mailbox || p.expired}
            aria-label={`Add time (${ttlLabel})`}
            data-testid="extend-address"
          >
            <PlusIcon />
            <span class="btn-label">Add time</span>
          </button>
          <button type="button" class="btn" onClick={p.onNew} disabled={p.busy !== null} data-testid="new-address">
            <RefreshIcon class={p.busy === 'new' ? 'spin' : undefined} />
            <span class="btn-label">New address</span>
          </button>
          {p.namesAllowed && (
            <button
              type="button"
              id="choose-name"
              class="btn"
              onClick={() => (naming ? closeNaming(false) : openNaming())}
              disabled={p.busy !== null && !naming}
              aria-expanded={naming}
              aria-controls={naming ? 'name-form' : undefined}
              data-testid="choose-name"
            >
              <span class="btn-label">Choose a name</span>
            </button>
          )}
          <button
            type="button"
            class="btn btn-danger"
            onClick={() => p.mailbox && p.onDelete(p.mailbox)}
            disabled={p.busy !== null || !p.mailbox || p.expired}
            data-testid="delete-address"
          >
            <TrashIcon />
            <span class="btn-label">Delete</span>
          </button>
        </div>
      </div>
      {nameFailed && <p class="card-note is-error">The name form could not be loaded; reload the page to try again.</p>}
      {naming && p.namesAllowed && NameForm && (
        <NameForm
          domain={domain}
          current={p.mailbox?.email ?? null}
          busy={p.busy === 'new'}
          error={p.nameError}
          onSubmit={p.onNewNamed}
          onClose={() => closeNaming(true)}
        />
      )}
      <Warnings {...p} left={left} ttlLabel={ttlLabel} />
      <p id="ttl-hint" class={`card-note${p.error ? ' is-error' : ''}`} aria-live="polite" data-testid="card-note">
        {p.error ?? p.notice?.text ?? `The lifetime applies to new addresses and to Add time${p.domains.length > 1 ? ', the domain to new addresses' : ''}. Mail is deleted when the address expires.`}
        {!p.error && p.notice?.offerDelete && (
          <>
            {' '}
            <button
              type="button"
              class="btn btn-small btn-danger"
              onClick={() => p.notice?.offerDelete && p.onDelete(p.notice.offerDelete)}
              disabled={p.busy !== null}
              data-testid="offer-delete"
            >
              {`Delete ${p.notice.offerDelete.email}`}
            </button>
          </>
        )}
        {!p.error && p.notice?.receipt && <ReceiptActions receipt={p.notice.receipt} announce={p.announce} />}
      </p>
      <AddressList
        addresses={p.addresses}
        current={p.mailbox}
        now={p.now}
        open={p.blocked?.cap != null}
        disabled={p.busy !== null}
        onSwitch={p.onSwitch}
        onDelete={p.onDelete}
      />
    </section>
  );
}

/** Expiring soon, expired (mail kept on screen), or no new address allowed yet. */
function Warnings(p: AddressCardProps & { left: number; ttlLabel: string }) {
  if (p.blocked) {
    return (
      <div class="banner is-warning" role="alert" data-testid="blocked">
        <p>{blockedText(p.blocked, p.addresses, p.now)}</p>
        <button type="button" class="btn btn-small" onClick={p.onRetryNow} disabled={p.busy !== null}>
          Try now
        </button>
        {p.mailbox && !p.expired && (
          <button type="button" class="btn btn-small" onClick={p.onStopTrying} data-testid="stop-trying">
            Keep this address
          </button>
        )}
      </div>
    );
  }
  if (p.mailbox && p.expired) {
    return (
      <div class="banner is-expired" role="status" data-testid="expired-note">
        <p>
          This address expired at {formatClock(p.mailbox.expires_at)} and no longer receives mail. The mail shown stays
          on this page until you leave it or switch address; it is gone from the server.
        </p>
      </div>
    );
  }
  if (p.mailbox && p.left < WARN_BEFORE_MS) {
    return (
      <div class="banner is-warning" data-testid="expiry-warning">
        <p>{`This address expires in ${describeDuration(p.left)}. Add time to keep receiving mail at it.`}</p>
        <button type="button" class="btn btn-small" onClick={p.onExtend} disabled={p.busy !== null}>
          {`Add ${p.ttlLabel}`}
        </button>
      </div>
    );
  }
  return null;
}

/**
 * Why no new address can be made, and the ways forward: use one of yours again, delete one, or
 * wait (for this browser's cap, until the soonest of its addresses expires: the page knows them;
 * the network's are not all the page's). The page retries by itself meanwhile.
 */
export function blockedText(b: Blocked, addresses: Mailbox[], now: number): string {
  const retry = `The page tries again by itself in ${formatCountdown(b.until - now)}.`;
  if (!b.cap) return `Too many requests from your network just now. ${retry}`;
  const why = b.scope === 'browser'
    ? `You already have ${b.cap} addresses in use, the most one browser may hold at once.`
    : `Your network already has ${b.cap} addresses in use, the most one network may hold at once (everyone behind its address together).`;
  if (addresses.length === 0) return `${why} One frees up when it expires or is deleted. ${retry}`;
  const made = addresses.filter((m) => !m.shared);
  const soonest = made.length
    ? made.reduce((a, m) => (Date.parse(m.expires_at) < Date.parse(a.expires_at) ? m : a))
    : null;
  const wait = b.scope === 'browser' && soonest
    ? `wait until ${formatClock(soonest.expires_at)}, when ${soonest.email} expires`
    : 'wait until one frees up';
  return `${why} To go on, use one of your addresses again (Show, under Your addresses), delete one you no longer need, or ${wait}. ${retry}`;
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

/**
 * The receipt of an address just deleted: copy or download it (docs/encryption.md says what it
 * proves; `tempmail receipts verify` checks it offline).
 */
function ReceiptActions(p: { receipt: DeletionReceipt; announce(text: string): void }) {
  const json = `${JSON.stringify(p.receipt, null, 2)}\n`;
  return (
    <span class="receipt-actions" data-testid="receipt">
      {' '}
      <CopyButton text={json} label="Copy receipt" spoken="Receipt copied" announce={p.announce} class="btn btn-small" />
      {' '}
      <a
        class="btn btn-small"
        href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
        download={`tempmail-receipt-${p.receipt.seq}.json`}
        data-testid="receipt-download"
      >
        Download receipt
      </a>
      {' '}
      <a href="/docs/encryption.html#deletion-receipts">What it proves</a>
    </span>
  );
}
