// Revisionslog (#/revision, RLTN): the newest 500 events.
import { t, tEnum } from '../i18n.js';
import { api } from '../api.js';
import { int } from '../format.js';
import { renderTable, esc } from '../table.js';

export async function pageAudit({ main }) {
  const tb = await api('/api/audit?limit=500');
  main.innerHTML = `<h1>${esc(t('audit.heading'))}</h1><div id="t"></div>`;
  renderTable(document.getElementById('t'), [
    { key: 'id', label: t('audit.col_id'), type: 'int' }, { key: 'at', label: t('col.time'), type: 'time' }, { key: 'username', label: t('audit.col_user') },
    { key: 'action', label: t('audit.col_action'), html: (r) => `${esc(tEnum('audit_action', r.action, r.action))} <span class="rule-id">${esc(r.action)}</span>`, sort: (r) => tEnum('audit_action', r.action, r.action) },
    { key: 'detail', label: t('audit.col_detail') },
  ], tb.rows, { exportUrl: '/api/audit', caption: t('audit.caption', { n: int(tb.total) }), pageSize: 100, filter: true, label: t('audit.heading') });
}
