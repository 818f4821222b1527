/** The page: header with connection state, the address card, the inbox and the reader. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, deleteMailbox, generateMailbox, type Mailbox, type Summary } from '../api.ts';
import { LiveInbox, type LiveState } from '../live.ts';
import { loadMailbox, loadSeen, loadTtl, saveMailbox, saveSeen, saveTtl } from '../storage.ts';
import { AddressCard, TTL_CHOICES } from './AddressCard.tsx';
import { InboxList } from './InboxList.tsx';
import { MessageView } from './MessageView.tsx';
import { MailIcon } from './icons.tsx';

const DEFAULT_TTL = 3600;

/** Merges rows by id (pushed rows may carry fields a listing lacks), newest first. */
function merge(prev: Summary[], incoming: Summary[]): Summary[] {
  const byId = new Map(prev.map((m) => [m.id, m]));
  for (const m of incoming) {
    const old = byId.get(m.id);
    byId.set(m.id, old ? { ...old, ...definedOnly(m) } : m);
  }
  return [...byId.values()].sort((a, b) => (Date.parse(b.date_received) || 0) - (Date.parse(a.date_received) || 0));
}

function definedOnly(m: Summary): Partial<Summary> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Partial<Summary>;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** One polite live region for the whole page; repeated texts are announced again. */
function useAnnouncer(): [string, (text: string) => void] {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback((t: string) => {
    setText('');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setText(t), 80);
  }, []);
  return [text, announce];
}

const LIVE_LABELS: Record<LiveState, { label: string; title: string }> = {
  connecting: { label: 'Connecting…', title: 'Opening the live connection' },
  connected: { label: 'Connected', title: 'New mail appears the moment it arrives' },
  reconnecting: { label: 'Reconnecting…', title: 'The live connection dropped; checking for mail every few seconds meanwhile' },
  polling: { label: 'Polling', title: 'No live connection; checking for new mail every few seconds' },
};

export function App() {
  const [mailbox, setMailbox] = useState<Mailbox | null>(null);
  const [ttl, setTtl] = useState(() => {
    const t = loadTtl(DEFAULT_TTL);
    return TTL_CHOICES.some((c) => c.seconds === t) ? t : DEFAULT_TTL;
  });
  const [busy, setBusy] = useState<'new' | 'delete' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [messages, setMessages] = useState<Summary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [seen, setSeen] = useState<Set<string>>(() => loadSeen());
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const [live, setLive] = useState<LiveState>('connecting');
  const [announcement, announce] = useAnnouncer();
  const now = useNow(1000);
  const ttlRef = useRef(ttl);
  ttlRef.current = ttl;
  const creating = useRef(false);
  const deleting = useRef(false);
  const loadedRef = useRef(false);
  const known = useRef<Set<string>>(new Set());

  /** Makes a new address; with `fallback`, an out-of-bounds lifetime retries with the default. */
  const create = useCallback(
    async (opts: { ttl: number; fallback?: boolean; notice?: string }) => {
      if (creating.current) return;
      creating.current = true;
      setBusy('new');
      setError(null);
      try {
        let mb: Mailbox;
        try {
          mb = await generateMailbox(opts.ttl);
        } catch (err) {
          if (!(opts.fallback && err instanceof ApiError && err.status === 400)) throw err;
          mb = await generateMailbox();
          setError(`${err.message} The server's default lifetime was used.`);
        }
        saveMailbox(mb);
        known.current = new Set();
        loadedRef.current = false;
        setMailbox(mb);
        setMessages([]);
        setLoaded(false);
        setSelected(null);
        setSeen(new Set());
        setFresh(new Set());
        setNotice(opts.notice ?? null);
        announce(`${opts.notice ? `${opts.notice} ` : ''}New address: ${mb.email}`);
      } catch (err) {
        setError(err instanceof ApiError ? err.message : 'Could not create an address.');
      } finally {
        creating.current = false;
        setBusy(null);
      }
    },
    [announce],
  );

  // First load: the stored mailbox if it is still valid, else a new one.
  useEffect(() => {
    const stored = loadMailbox(Date.now());
    if (stored) setMailbox(stored);
    else void create({ ttl, fallback: true });
  }, []);

  // Expiry: replace the address when its time is up.
  const expired = mailbox !== null && Date.parse(mailbox.expires_at) <= now;
  useEffect(() => {
    if (expired) void create({ ttl: ttlRef.current, fallback: true, notice: 'The previous address expired.' });
  }, [expired]);

  // Live updates for the current mailbox.
  useEffect(() => {
    if (!mailbox || expired) return;
    const inbox = new LiveInbox(mailbox, {
      onState: setLive,
      onList: (list) => {
        const added = list.filter((m) => !known.current.has(m.id));
        for (const m of list) known.current.add(m.id);
        setMessages((prev) => merge(prev, list));
        if (loadedRef.current && added.length > 0) {
          setFresh((f) => new Set([...f, ...added.map((m) => m.id)]));
          announce(added.length === 1 ? newMailText(added[0]) : `${added.length} new messages`);
        }
        loadedRef.current = true;
        setLoaded(true);
      },
      onMessage: (m) => {
        const isNew = !known.current.has(m.id);
        known.current.add(m.id);
        setMessages((prev) => merge(prev, [m]));
        if (isNew) {
          setFresh((f) => new Set([...f, m.id]));
          announce(newMailText(m));
        }
      },
      onGone: (reason) => {
        if (deleting.current) return; // our own delete makes the next address itself
        void create({
          ttl: ttlRef.current,
          fallback: true,
          notice: reason === 'expired' ? 'The previous address expired.' : 'That address no longer exists.',
        });
      },
    });
    inbox.start();
    return () => inbox.stop();
  }, [mailbox?.email, mailbox?.token, expired]);

  const unread = messages.filter((m) => !seen.has(m.id)).length;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) TempMail` : 'TempMail — disposable email';
  }, [unread]);

  const open = (id: string) => {
    setSelected(id);
    if (!seen.has(id)) {
      const next = new Set(seen).add(id);
      setSeen(next);
      saveSeen(next);
    }
  };

  const back = () => {
    const id = selected;
    setSelected(null);
    setTimeout(() => {
      const row = id ? document.querySelector<HTMLElement>(`[data-row-open="${CSS.escape(id)}"]`) : null;
      (row ?? document.getElementById('inbox-heading'))?.focus();
    }, 0);
  };

  const onDelete = async () => {
    if (!mailbox || deleting.current) return;
    deleting.current = true;
    setBusy('delete');
    setError(null);
    try {
      await deleteMailbox(mailbox);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        setError(err instanceof ApiError ? err.message : 'Could not delete the address.');
        setBusy(null);
        deleting.current = false;
        return;
      }
    }
    setBusy(null);
    saveMailbox(null);
    try {
      await create({ ttl, fallback: true, notice: `${mailbox.email} was deleted with its mail.` });
    } finally {
      deleting.current = false;
    }
  };

  const onTtl = (seconds: number) => {
    setTtl(seconds);
    saveTtl(seconds);
  };

  const status = LIVE_LABELS[live];
  return (
    <>
      <a class="skip-link" href="#inbox-heading">
        Skip to inbox
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <p class="brand">
            <span class="brand-mark" aria-hidden="true">
              <MailIcon />
            </span>
            TempMail
          </p>
          <p class="conn" data-state={live} title={status.title} role="status" data-testid="conn">
            <span class="conn-dot" aria-hidden="true" />
            <span class="conn-label">{status.label}</span>
          </p>
        </div>
      </header>
      <main class="container" id="main">
        <AddressCard
          mailbox={mailbox}
          now={now}
          ttl={ttl}
          busy={busy}
          error={error}
          notice={notice}
          onTtl={onTtl}
          onNew={() => void create({ ttl })}
          onDelete={() => void onDelete()}
          announce={announce}
        />
        <div class={`layout${selected ? ' has-selection' : ''}`}>
          <section class="pane inbox-pane" aria-labelledby="inbox-heading">
            <div class="pane-head">
              <h2 id="inbox-heading" tabIndex={-1}>
                Inbox
              </h2>
              <span class="count">
                <span aria-hidden="true">{messages.length}</span>
                <span class="sr-only">{`${messages.length} messages, ${unread} unread`}</span>
              </span>
            </div>
            <InboxList
              messages={messages}
              loaded={loaded}
              selectedId={selected}
              seen={seen}
              fresh={fresh}
              now={now}
              onOpen={open}
              announce={announce}
            />
          </section>
          <section class="pane viewer-pane" aria-label="Message">
            {selected && mailbox ? (
              <MessageView
                key={selected}
                mailbox={mailbox}
                id={selected}
                onBack={back}
                onGone={(id) => setMessages((prev) => prev.filter((m) => m.id !== id))}
                announce={announce}
              />
            ) : (
              <div class="placeholder">
                <MailIcon />
                <p>Select a message to read it.</p>
              </div>
            )}
          </section>
        </div>
      </main>
      <footer class="footer">
        <p>Addresses and their mail are deleted when they expire. HTML mail is shown without scripts or tracking.</p>
      </footer>
      <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </>
  );
}

function newMailText(m: Summary): string {
  return `New mail from ${m.sender || 'an unknown sender'}: ${m.subject || '(no subject)'}${m.otp ? `. Code ${m.otp}` : ''}`;
}
