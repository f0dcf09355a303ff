/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Small inline SVG charts: numbers people would rather look at than read. Each carries its numbers as text too.
import type { FC } from 'hono/jsx';
import type { CallBucket } from '../status-figures.ts';

const W = 360;
const H = 90;

export const CallsChart: FC<{ buckets: CallBucket[] }> = ({ buckets }) => {
  const max = Math.max(1, ...buckets.map((b) => b.calls));
  const step = W / Math.max(1, buckets.length);
  const total = buckets.reduce((s, b) => s + b.calls, 0);
  const throttled = buckets.reduce((s, b) => s + b.throttled, 0);
  return (
    <svg
      class="chart"
      width={W}
      height={H + 14}
      viewBox={`0 0 ${W} ${H + 14}`}
      role="img"
      aria-label={`Userflow calls per minute over the last ${buckets.length} minutes: ${total} calls, ${throttled} answered 429`}
    >
      {buckets.map((b, i) => {
        const h = (b.calls / max) * H;
        const t = (b.throttled / max) * H;
        return (
          <g>
            <rect class="bar" x={i * step + 1} y={H - h} width={step - 2} height={h}>
              <title>{`${new Date(b.at).toISOString().slice(11, 16)}: ${b.calls} calls, ${b.throttled} × 429`}</title>
            </rect>
            <rect class="bar429" x={i * step + 1} y={H - t} width={step - 2} height={t} />
          </g>
        );
      })}
      <text x={2} y={H + 12}>
        {`-${buckets.length} min`}
      </text>
      <text x={W - 30} y={H + 12}>
        now
      </text>
      <text x={2} y={10}>{`max ${max}/min`}</text>
    </svg>
  );
};

export const DepthChart: FC<{ samples: readonly { at: number; depth: number }[] }> = ({ samples }) => {
  if (samples.length < 2) return <p class="note">The depth chart fills in while this console runs.</p>;
  const max = Math.max(1, ...samples.map((s) => s.depth));
  const first = samples[0]?.at ?? 0;
  const span = Math.max(1, (samples.at(-1)?.at ?? first) - first);
  const points = samples
    .map((s) => `${(((s.at - first) / span) * W).toFixed(1)},${(H - (s.depth / max) * (H - 4)).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      class="chart"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Messages waiting in the queues over time, now ${samples.at(-1)?.depth ?? 0}, at most ${max}`}
    >
      <polyline class="line" points={points} />
      <text x={2} y={10}>{`max ${max}`}</text>
    </svg>
  );
};
