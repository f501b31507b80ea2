// A compact level meter under an audio port's row: its element holds the
// track, its accessible name and ARIA values; its box's meter layer
// (meterLayer.ts) draws the bars over it on the box's one canvas from the
// live channel (never from React state) and writes the ARIA values a few
// times a second, without a live region. A lit clip indicator is a button
// that resets it. A port the service could not meter is hatched, and says so.
import { memo, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { METER_FLOOR_DB, SCALE_MAX_DB } from '../live/ballistics';
import { useJackbay } from '../store/context';
import { useMeterLayer } from './BoxBody';

export const NOT_METERED_WHY =
  'Not metered: the server refused Jackbay another probe port (its port limit: jackd’s ' +
  '--port-max, or the 768 ports per client PipeWire allows by default)';

export const Meter = memo(function Meter({ port }: { port: string }) {
  const meters = useJackbay((s) => s.meters);
  const layer = useMeterLayer();
  const element = useRef<HTMLSpanElement>(null);
  const subscribe = useCallback((listener: () => void) => meters.onMarks(listener), [meters]);
  const clipped = useSyncExternalStore(subscribe, () => meters.clipped(port));
  const notMetered = useSyncExternalStore(subscribe, () => meters.notMetered(port));

  useEffect(() => {
    const el = element.current;
    return layer && el && !notMetered ? layer.add(port, el) : undefined;
  }, [layer, port, notMetered]);

  if (notMetered)
    return (
      <span
        className="jb-meter not-metered"
        role="img"
        aria-label={`${port}: not metered`}
        title={NOT_METERED_WHY}
      />
    );
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
