// A box's body with, while its meters are on, the layer its graph meters
// are drawn by (meterLayer.ts), handed to them through a context, and the
// one canvas it draws on, made when it first has a bar to draw.
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useJackbay } from '../store/context';
import { MeterLayer } from './meterLayer';

const MeterLayerContext = createContext<MeterLayer | null>(null);

/** The layer the meters of this box draw on; null outside a metered box. */
export function useMeterLayer(): MeterLayer | null {
  return useContext(MeterLayerContext);
}

export function BoxBody({ metered, children }: { metered: boolean; children: ReactNode }) {
  const meters = useJackbay((s) => s.meters);
  const [drawing, setDrawing] = useState(false);
  const layer = useMemo(
    () => (metered ? new MeterLayer(meters, () => setDrawing(true)) : null),
    [metered, meters],
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => layer?.start(), [layer]);
  // Rendered again: the box changed (rows may have come, gone or moved within the same size).
  useEffect(() => layer?.invalidate());
  useEffect(
    () => (layer && drawing && canvas.current ? layer.attach(canvas.current) : undefined),
    [layer, drawing],
  );
  return (
    <div className="jb-box-body">
      {layer && drawing && <canvas ref={canvas} className="jb-meter-canvas" />}
      <MeterLayerContext.Provider value={layer}>{children}</MeterLayerContext.Provider>
    </div>
  );
}
