// A box's body with, while its meters are on, the one canvas its graph
// meters are drawn on (meterLayer.ts), handed to them through a context.
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef } from 'react';
import { useJackbay } from '../store/context';
import { MeterLayer } from './meterLayer';

const MeterLayerContext = createContext<MeterLayer | null>(null);

/** The layer the meters of this box draw on; null outside a metered box. */
export function useMeterLayer(): MeterLayer | null {
  return useContext(MeterLayerContext);
}

export function BoxBody({ metered, children }: { metered: boolean; children: ReactNode }) {
  const meters = useJackbay((s) => s.meters);
  const layer = useMemo(() => (metered ? new MeterLayer(meters) : null), [metered, meters]);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => (layer && canvas.current ? layer.attach(canvas.current) : undefined), [layer]);
  return (
    <div className="jb-box-body">
      {layer && <canvas ref={canvas} className="jb-meter-canvas" />}
      <MeterLayerContext.Provider value={layer}>{children}</MeterLayerContext.Provider>
    </div>
  );
}
