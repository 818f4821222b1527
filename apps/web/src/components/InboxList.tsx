/** The inbox: newest first, each row with its OTP chip and confirmation-link button. */
import type { Summary } from '../api.ts';
import { formatFull, formatRelative, hostOf, isWebUrl, senderLabel } from '../format.ts';
import { CopyButton } from './CopyButton.tsx';
import { ExternalIcon, MailIcon } from './icons.tsx';

export interface InboxListProps {
  /** False while no address is shown (being made, or refused for now). */
  hasMailbox: boolean;
  /** The shown address expired: nothing more comes, and nothing is loading. */
  expired: boolean;
  messages: Summary[];
  loaded: boolean;
  selectedId: string | null;
  seen: Set<string>;
  fresh: Set<string>;
  now: number;
  onOpen(id: string): void;
  announce(text: string): void;
}

export function InboxList(p: InboxListProps) {
  if (p.messages.length === 0) {
    const over = p.hasMailbox && p.expired;
    return (
      <div class="empty" data-testid="inbox-empty">
        <div class="empty-art" aria-hidden="true">
          <MailIcon />
          {!over && <span class="pulse" />}
        </div>
        <p class="empty-title">
          {!p.hasMailbox ? 'No address yet' : over ? 'No mail came' : p.loaded ? 'Waiting for mail' : 'Loading the inbox…'}
        </p>
        <p class="empty-text">
          {over
            ? 'This address expired and receives no more mail. Make a new one, or show another of your addresses.'
            : 'Mail sent to this address shows up here by itself, usually within a second.'}
        </p>
      </div>
    );
  }
  return (
    <ul class="rows" data-testid="inbox-list">
      {p.messages.map((m) => (
        <Row key={m.id} m={m} {...p} />
      ))}
    </ul>
  );
}

function Row(props: InboxListProps & { m: Summary }) {
  const { m } = props;
  const selected = props.selectedId === m.id;
  const unread = !props.seen.has(m.id);
  const link = isWebUrl(m.confirmation_link) ? m.confirmation_link : null;
  const subject = m.subject.trim() || '(no subject)';
  const cls = ['row', selected && 'is-selected', unread && 'is-unread', props.fresh.has(m.id) && 'is-fresh']
    .filter(Boolean)
    .join(' ');
  return (
    <li class={cls} data-id={m.id} data-testid="inbox-row">
      <button
        type="button"
        class="row-open"
        onClick={() => props.onOpen(m.id)}
        aria-current={selected ? 'true' : undefined}
        data-row-open={m.id}
      >
        <span class="row-top">
          {unread && <span class="dot" aria-label="Unread" role="img" />}
          <span class="row-from" title={m.sender}>
            {senderLabel(m)}
          </span>
          <time class="row-time" dateTime={m.date_received} title={formatFull(m.date_received)}>
            {formatRelative(m.date_received, props.now)}
          </time>
        </span>
        <span class="row-subject">{subject}</span>
      </button>
      {(m.otp || link) && (
        <div class="row-actions">
          {m.otp && (
            <CopyButton
              class="chip"
              text={m.otp}
              label={m.otp}
              keepLabel
              ariaLabel={`Copy code ${m.otp}`}
              spoken={`Code ${m.otp} copied`}
              announce={props.announce}
            />
          )}
          {link && (
            <a
              class="btn btn-small"
              href={link}
              target="_blank"
              rel="noopener noreferrer"
              title={link}
              data-testid="row-link"
            >
              <span class="btn-label">Open link</span>
              <ExternalIcon />
              <span class="sr-only">{` on ${hostOf(link)} (opens in a new tab)`}</span>
            </a>
          )}
        </div>
      )}
    </li>
  );
}
