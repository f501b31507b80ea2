import { memo } from 'react';

/** A small line of recent values, 0–100 (DSP load in percent). */
export const Sparkline = memo(function Sparkline({
  values,
  width = 64,
  height = 16,
  slots,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  /** How many samples fill the width; newer ones enter on the right. */
  slots: number;
}) {
  const step = width / Math.max(1, slots - 1);
  const offset = slots - values.length;
  const y = (v: number) => height - 1 - (Math.min(100, Math.max(0, v)) / 100) * (height - 2);
  const points = values
    .map((v, i) => `${((offset + i) * step).toFixed(1)},${y(v).toFixed(1)}`)
    .join(' ');
  const last = values[values.length - 1] ?? 0;
  const tone = last >= 80 ? 'hot' : last >= 50 ? 'warm' : 'ok';
  return (
    <svg className={`jb-spark jb-spark-${tone}`} width={width} height={height} aria-hidden="true">
      <line x1={0} x2={width} y1={y(50)} y2={y(50)} className="jb-spark-grid" />
      {values.length > 1 && <polyline points={points} />}
    </svg>
  );
});
