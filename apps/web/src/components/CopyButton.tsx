/** A button that copies text and shows "Copied" for a moment (also announced). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../clipboard.ts';
import { CheckIcon, CopyIcon } from './icons.tsx';

export interface CopyButtonProps {
  text: string;
  /** Visible label; the icon comes before it. */
  label: string;
  /** Accessible name when the visible label is not enough ("Copy code 482910"). */
  ariaLabel?: string;
  /** Said by the live region after copying ("Address copied"). */
  spoken: string;
  announce(text: string): void;
  class?: string;
  /** Show the label next to the icon even when copied (for chips whose label is the code). */
  keepLabel?: boolean;
}

export function CopyButton(props: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const onClick = async (e: Event) => {
    e.stopPropagation();
    const ok = await copyText(props.text);
    setState(ok ? 'copied' : 'failed');
    props.announce(ok ? props.spoken : 'Copying failed: select the text and copy it by hand');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };

  const label = state === 'idle' || props.keepLabel ? props.label : state === 'copied' ? 'Copied' : 'Failed';
  return (
    <button
      type="button"
      class={`${props.class ?? 'btn'}${state === 'copied' ? ' is-copied' : ''}`}
      onClick={onClick}
      disabled={props.text === ''}
      aria-label={state === 'idle' ? props.ariaLabel : state === 'copied' ? 'Copied' : undefined}
      data-state={state}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span class="btn-label">{label}</span>
    </button>
  );
}
