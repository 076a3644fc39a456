// The one-page app: a router over the hash (#/phu-luc/PL3 ...), the header and the side menu.
import { get } from './api.js';
import { h, clear, notice } from './dom.js';
import { setupPage, enrolPage } from './setup.js';
import { overviewPage } from './overview.js';
import { formPage } from './form.js';
import { textsPage } from './texts.js';
import { listPage, goalsPage } from './lists.js';
import { submitPage } from './submit.js';
import { syncPage, conflictsPage } from './sync.js';
import { isReviewer, unitsPage, unitReviewPage, rollupPage } from './review.js';
import { documentPage } from './document.js';

const pages = {
  'tong-quan': overviewPage,
  'phu-luc': formPage,
  'thuyet-minh': textsPage,
  'danh-sach': listPage,
  'muc-tieu': goalsPage,
  'nop-bao-cao': submitPage,
  'dong-bo': syncPage,
  'xung-dot': conflictsPage,
  'dang-ky': enrolPage,
  'cap-duoi': unitsPage,
  'xem-xet': unitReviewPage,
  'tong-hop': rollupPage,
  'van-ban': documentPage,
};

export const app = {
  state: null,  // GET /api/state
  parts: [],
  async refresh() {
    this.state = await get('state');
    this.parts = this.state.initialised ? await get('parts') : [];
    renderHeader();
    renderNav();
  },
  // After saves: the menu's and header's counts, at most once a second.
  refreshSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh().catch(() => {}), 1000);
  },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

function renderHeader() {
  const line = document.getElementById('unit-line');
  const s = app.state.status;
  if (!s) return clear(line, 'Chưa chọn đơn vị');
  clear(line,
    h('span', { class: 'unit' }, s.unit.name), ' · ', s.unit.level_label,
    s.unit.author ? ' · Người nhập: ' + s.unit.author : '',
    ' · ', h('span', { class: 'state state-' + s.report_state, id: 'report-state' }, s.report_state_label));
}

function renderNav() {
  const nav = document.getElementById('nav');
  if (!app.state.initialised) return clear(nav);
  const link = (hash, text, extra) => h('a', { href: hash, class: location.hash === hash ? 'current' : '' }, text, extra || '');
  const count = (p) => h('span', { class: 'count' }, ` ${p.filled}/${p.total}`);
  const appendices = app.parts.filter((p) => p.kind === 'appendix');
  const tables = app.parts.filter((p) => p.kind === 'table');
  const goals = app.parts.filter((p) => p.kind === 'goals');
  const hasSections = app.parts.some((p) => p.kind === 'section');
  const s = app.state.status;
  clear(nav,
    link('#/tong-quan', 'Tổng quan'),
    hasSections ? link('#/thuyet-minh', 'Báo cáo thuyết minh') : '',
    appendices.length ? h('div', { class: 'group' }, 'Phụ lục số liệu') : '',
    appendices.map((p) => link('#/phu-luc/' + p.id, shortTitle(p), count(p))),
    tables.length || goals.length ? h('div', { class: 'group' }, 'Danh sách, mục tiêu') : '',
    tables.map((p) => link('#/danh-sach/' + p.id, shortTitle(p), count(p))),
    goals.map((p) => link('#/muc-tieu', 'Mục tiêu (Phụ lục 8)', count(p))),
    isReviewer(s) ? [h('div', { class: 'group' }, 'Xem xét cấp dưới'),
      link('#/cap-duoi', 'Đơn vị cấp dưới', s.waiting_for_review ? h('span', { class: 'count bad' }, ` (${s.waiting_for_review} chờ xem xét)`) : ''),
      link('#/tong-hop/PL3', 'Số liệu tổng hợp')] : '',
    h('div', { class: 'group' }, 'Gửi báo cáo'),
    link('#/van-ban', 'Thể thức văn bản'),
    link('#/nop-bao-cao', 'Kiểm tra và nộp'),
    link('#/dong-bo', 'Đồng bộ với cấp trên', s && s.unsent ? h('span', { class: 'count' }, ` (${s.unsent} chưa gửi)`) : ''),
    link('#/xung-dot', 'Xung đột', s && s.open_conflicts ? h('span', { class: 'count bad' }, ` (${s.open_conflicts})`) : ''),
    link('#/dang-ky', 'Đăng ký máy'));
}

export function shortTitle(part) {
  const names = { KT: 'Đề nghị khen thưởng', MH: 'Mô hình, sáng kiến' };
  if (names[part.id]) return names[part.id];
  const m = /^PL(\d+)/.exec(part.id);
  if (m && part.kind === 'appendix') return 'Phụ lục ' + m[1];
  return part.title.length > 40 ? part.title.slice(0, 40) + '…' : part.title;
}

async function route() {
  const main = document.getElementById('main');
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  delete document.body.dataset.page;  // set again once the page is drawn (tests wait on it)
  try {
    await app.refresh();
    if (!app.state.initialised) return await setupPage(main);
    const page = pages[name] || overviewPage;
    await page(main, decodeURIComponent(rest.join('/')));
    document.body.dataset.page = pages[name] ? name : 'tong-quan';
  } catch (error) {
    clear(main, notice('error', error.message));
  }
}

window.addEventListener('hashchange', route);
route();
