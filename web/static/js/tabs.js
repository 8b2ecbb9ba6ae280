// Accessible tabs (WAI-ARIA tabs pattern): arrow keys move between tabs,
// one tab in the focus order, panels rendered when first shown.

import { h, nextId } from './dom.js';

/**
 * tabs(label, [{id, label, render() -> node}], {selected, onSelect}) -> node
 * with `.select(id)` and `.panel(id)` (the rendered panel or null).
 */
export function tabs(label, items, { selected, onSelect } = {}) {
  const list = h('div', { role: 'tablist', 'aria-label': label, class: 'tablist' });
  const panels = h('div', { class: 'tabpanels' });
  const entries = items.map((item) => {
    const tabId = nextId('tab');
    const panelId = nextId('panel');
    const tab = h('button', {
      type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: '-1',
      dataset: { tab: item.id },
    }, item.label);
    const panel = h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: true, tabindex: '0', class: 'tabpanel' });
    list.append(tab);
    panels.append(panel);
    return { item, tab, panel, rendered: false };
  });
  function select(id, focus = false) {
    for (const e of entries) {
      const on = e.item.id === id;
      e.tab.setAttribute('aria-selected', String(on));
      e.tab.tabIndex = on ? 0 : -1;
      e.panel.hidden = !on;
      if (on && !e.rendered) {
        e.rendered = true;
        e.panel.append(e.item.render());
      }
      if (on && focus) e.tab.focus();
    }
    if (onSelect) onSelect(id);
  }
  list.addEventListener('click', (e) => {
    const tab = e.target.closest('[role=tab]');
    if (tab) select(tab.dataset.tab);
  });
  list.addEventListener('keydown', (e) => {
    const i = entries.findIndex((x) => x.tab === document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % entries.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + entries.length) % entries.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = entries.length - 1;
    if (j === null) return;
    e.preventDefault();
    e.stopPropagation();
    select(entries[j].item.id, true);
  });
  select(selected || items[0].id);
  const root = h('div', { class: 'tabs' }, list, panels);
  root.select = (id) => select(id);
  root.rerender = (id) => {
    const e = entries.find((x) => x.item.id === id);
    if (!e) return;
    e.panel.replaceChildren(e.item.render());
    e.rendered = true;
  };
  return root;
}
