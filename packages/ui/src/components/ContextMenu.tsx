// The context menu of a port, a client, a connection or the canvas: opened by
// a right-click, or from the keyboard with the ContextMenu key or Shift+F10 on
// the focused item (GraphView). A menu in the ARIA sense: arrows, Home and
// End move, Enter or Space choose, Escape or Tab close, and focus goes back
// where it was.
import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay, useStoreApi } from '../store/context';
import type { Anchor } from '../store/store';
import type { MenuTarget } from '../store/tools';
import { menuItems } from './menuItems';

function targetLabel(target: MenuTarget): string {
  switch (target.kind) {
    case 'port':
      return target.ports.join(' + ');
    case 'client':
      return target.name;
    case 'edge':
      return `${target.connection.source} → ${target.connection.destination}`;
    case 'route':
      return `Jackbay thru ${target.thru.source} → ${target.thru.destination}`;
    case 'canvas':
      return 'Graph';
  }
}

// Where a port's details card goes: beside the port's row, else where the menu opened.
function anchorOf(menu: { target: MenuTarget; x: number; y: number }): Anchor {
  const { target, x, y } = menu;
  const name = target.kind === 'port' ? target.ports[0] : undefined;
  for (const el of document.querySelectorAll<HTMLElement>('[data-port-name]')) {
    if (el.dataset.portName !== name) continue;
    const { left, top, right, bottom } = el.getBoundingClientRect();
    return { left, top, right, bottom };
  }
  return { left: x, top: y, right: x, bottom: y };
}

export function ContextMenu() {
  const store = useStoreApi();
  const { menu, graph, thrus } = useJackbay(
    useShallow((s) => ({ menu: s.menu, graph: s.graph, thrus: s.tools.thrus })),
  );
  const ref = useRef<HTMLDivElement>(null);
  const returnTo = useRef<Element | null>(null);
  const [position, setPosition] = useState<{ left: number; top: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the items follow the graph and the routes
  const items = useMemo(
    () => (menu ? menuItems(store.getState(), menu.target, anchorOf(menu)) : []),
    [menu, graph, thrus, store],
  );

  // Layout effects, in this order: where the focus was is noted before the
  // first item takes it, and given back as the menu closes (not when one menu
  // replaces another).
  const open = menu !== null;
  useLayoutEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement;
    return () => {
      const el = returnTo.current;
      if (el instanceof HTMLElement && el.isConnected) el.focus();
    };
  }, [open]);

  // Kept inside the window, then the first item takes the focus.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!menu || !el) {
      setPosition(null);
      return;
    }
    const { width, height } = el.getBoundingClientRect();
    setPosition({
      left: Math.max(4, Math.min(menu.x, window.innerWidth - width - 4)),
      top: Math.max(4, Math.min(menu.y, window.innerHeight - height - 4)),
    });
    el.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [menu]);

  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) store.getState().closeMenu();
    };
    window.addEventListener('mousedown', close, true);
    return () => window.removeEventListener('mousedown', close, true);
  }, [menu, store]);

  if (!menu) return null;
  const label = targetLabel(menu.target);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => entries[(i + entries.length) % entries.length]?.focus();
    if (e.key === 'ArrowDown') focus(at + 1);
    else if (e.key === 'ArrowUp') focus(at - 1);
    else if (e.key === 'Home') focus(0);
    else if (e.key === 'End') focus(entries.length - 1);
    else if (e.key === 'Escape' || e.key === 'Tab') store.getState().closeMenu();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      ref={ref}
      className="jb-menu"
      role="menu"
      aria-label={`Actions for ${label}`}
      tabIndex={-1}
      // Not hidden before it is placed: a hidden item could not take the focus
      // (the layout effect places it before anything is painted).
      style={position ?? { left: menu.x, top: menu.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
      data-testid="context-menu"
    >
      <div className="jb-menu-title" aria-hidden="true">
        {label}
      </div>
      {items.length === 0 && (
        <div className="jb-menu-empty" role="none">
          Nothing to do here
        </div>
      )}
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="jb-menu-item"
          onClick={() => {
            store.getState().closeMenu();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
