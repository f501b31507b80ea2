import { createContext, type ReactNode, useContext } from 'react';
import type { JackbayStore, State } from './store';

const StoreContext = createContext<JackbayStore | null>(null);

export function StoreProvider({ store, children }: { store: JackbayStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStoreApi(): JackbayStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('Jackbay components must be rendered inside <StoreProvider>.');
  return store;
}

/** Selects from the store; wrap multi-field selectors in useShallow. */
export function useJackbay<T>(selector: (s: State) => T): T {
  return useStoreApi()(selector);
}
