// A compact level meter under an audio port's row: its element holds the
// track, its accessible name and ARIA values; its box's meter layer
// (meterLayer.ts) draws the bars over it on the box's one canvas from the
// live channel (never from React state) and writes the ARIA values a few
// times a second, without a live region. A lit clip indicator is a button
// that resets it.
import { memo, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { METER_FLOOR_DB, SCALE_MAX_DB } from '../live/ballistics';
import { useJackbay } from '../store/context';
import { useMeterLayer } from './BoxBody';

export const Meter = memo(function Meter({ port }: { port: string }) {
  const meters = useJackbay((s) => s.meters);
  const layer = useMeterLayer();
  const element = useRef<HTMLSpanElement>(null);
  const clipped = useSyncExternalStore(
    useCallback((listener) => meters.onClip(listener), [meters]),
    () => meters.clipped(port),
  );

  useEffect(() => {
    const el = element.current;
    return layer && el ? layer.add(port, el) : undefined;
  }, [layer, port]);

  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> draws itself; this one is a canvas */}
      <span
        ref={element}
        className="jb-meter"
        role="meter"
        aria-label={`Level of ${port}`}
        aria-valuemin={METER_FLOOR_DB}
        aria-valuemax={SCALE_MAX_DB}
        aria-valuenow={METER_FLOOR_DB}
        aria-valuetext="peak silent, RMS silent"
      />
      {clipped && (
        <button
          type="button"
          className="jb-clip nodrag"
          aria-label={`Reset clip of ${port}`}
          title="Clipped: click to reset"
          onClick={() => meters.resetClip(port)}
        />
      )}
    </>
  );
});
