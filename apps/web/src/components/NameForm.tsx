/**
 * "Choose a name": an optional form under the address card for a new address with a chosen part
 * before the @ (`name=` of generate_email.php). A random address stays the one-click default
 * (New address); this form is shown only when the server allows chosen names. The server checks
 * the name: its answer (`error.param` = `name`) is shown under the field, which is marked invalid.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface NameFormProps {
  /** The domain the new address gets (the domain picker's choice). */
  domain: string;
  /** The address shown now: when it becomes the chosen one, the form has done its job. */
  current: string | null;
  busy: boolean;
  /** The server's reason the last chosen name was refused, or null. */
  error: string | null;
  onSubmit(name: string): void;
  onClose(): void;
}

/** Some of the server's sentences start with the parameter in lower case ("name must be …"); never touch an address. */
const sentence = (text: string) => text.replace(/^name /, 'Name ');

export function NameForm(p: NameFormProps) {
  const [value, setValue] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  /** The server's refusal, until the person edits the name. */
  const [refused, setRefused] = useState<string | null>(p.error);
  const input = useRef<HTMLInputElement>(null);
  const asked = useRef<string | null>(null);
  const error = local ?? refused;

  useEffect(() => input.current?.focus(), []);
  // A refusal moves focus back to the field, whose error is read with it.
  useEffect(() => {
    setRefused(p.error);
    if (p.error) input.current?.focus();
  }, [p.error]);
  // Made (also by the page's own retry after a cap): close.
  useEffect(() => {
    if (asked.current && p.current === `${asked.current}@${p.domain}`) p.onClose();
  }, [p.current]);

  const submit = (e: Event) => {
    e.preventDefault();
    const name = value.trim().toLowerCase();
    if (!name) {
      setLocal('Type the name you want before the @, or use New address for a random one.');
      input.current?.focus();
      return;
    }
    setLocal(null);
    asked.current = name;
    p.onSubmit(name);
  };

  return (
    <form id="name-form" class="name-form" onSubmit={submit} noValidate data-testid="name-form" aria-labelledby="name-form-title">
      <p id="name-form-title" class="name-title">
        A new address with a name you choose
      </p>
      <div class="name-row">
        <span class="name-field">
          <label class="sr-only" for="name-input">
            Name before the @
          </label>
          <input
            ref={input}
            id="name-input"
            class="name-input"
            type="text"
            inputMode="email"
            autoComplete="off"
            autoCapitalize="none"
            spellcheck={false}
            maxLength={64}
            value={value}
            onInput={(e) => {
              setValue((e.currentTarget as HTMLInputElement).value);
              setLocal(null);
              setRefused(null);
            }}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'name-error name-hint' : 'name-hint'}
            data-testid="name-input"
          />
          <span class="name-domain">@{p.domain}</span>
        </span>
        <span class="name-actions">
          <button type="submit" class="btn btn-primary" disabled={p.busy} data-testid="name-submit">
            {p.busy ? 'Creating…' : 'Create'}
          </button>
          <button type="button" class="btn" onClick={p.onClose} data-testid="name-cancel">
            Cancel
          </button>
        </span>
      </div>
      {error && (
        <p id="name-error" class="name-error" role="alert" data-testid="name-error">
          {sentence(error)}
        </p>
      )}
      <p id="name-hint" class="name-hint">
        3 to 64 letters, digits, dots, hyphens or underscores. An address is never given out twice: a name someone had
        before is refused, and so are role names such as postmaster.
      </p>
    </form>
  );
}
