// The console's languages: English (the source text) and Simplified Chinese. A message is looked up
// by its English text and filled with {placeholders}, so a sentence is translated whole.

const STORAGE_KEY = 'mcp-audit-locale'
export const LOCALES = { en: 'English', 'zh-CN': '简体中文' }

const ZH = {
  'mcp-audit console': 'mcp-audit 控制台',
  'Sign in to the console': '登录控制台',
  'Paste a read or admin token of your tenant. It stays in this tab only (session storage).':
    '粘贴租户的只读或管理员令牌。令牌只保存在此标签页中（会话存储）。',
  'API token': 'API 令牌',
  'Sign in': '登录',
  'Sign out': '退出登录',
  Language: '语言',
  Main: '主导航',
  Overview: '概览',
  Events: '事件',
  Alerts: '告警',
  Reports: '报告',
  '{page} · detail': '{page} · 详情',
  'Time range': '时间范围',
  'Last hour': '最近 1 小时',
  'Last 6 hours': '最近 6 小时',
  'Last 24 hours': '最近 24 小时',
  'Last 7 days': '最近 7 天',
  'Last 30 days': '最近 30 天',
  Refresh: '刷新',
  Tenant: '租户',
  Token: '令牌',
  'Could not load this page: {error}': '无法加载此页面：{error}',
  'Your token was not accepted. Sign in again.': '令牌未被接受，请重新登录。',
  'That token was not accepted: use a read or admin token.': '该令牌未被接受：请使用只读或管理员令牌。',
  // Overview
  'No traffic in this range': '此时间范围内没有流量',
  Calls: '调用',
  Errors: '错误',
  'MCP calls': 'MCP 调用',
  '{users} users · {servers} servers': '{users} 个用户 · {servers} 个服务器',
  'Error rate': '错误率',
  '{errors} failed · {denied} denied': '{errors} 次失败 · {denied} 次拒绝',
  'p95 latency': 'p95 延迟',
  'tool call duration': '工具调用耗时',
  'Open alerts': '未处理告警',
  none: '无',
  Redactions: '脱敏',
  'PII and secrets removed': '已移除的个人信息和密钥',
  'Calls and errors': '调用和错误',
  'Top tools': '热门工具',
  'Top servers': '热门服务器',
  Tool: '工具',
  Server: '服务器',
  'Alerts over time': '告警趋势',
  'Alerts fired': '触发的告警',
  'Open now: ': '当前未处理：',
  critical: '严重',
  high: '高',
  medium: '中',
  low: '低',
  info: '信息',
  // Events
  Filter: '筛选',
  'Events (older page)': '事件（较早的一页）',
  '{count} shown': '显示 {count} 条',
  Apply: '应用',
  Clear: '清除',
  'No events match these filters in this time range': '此时间范围内没有符合筛选条件的事件',
  Time: '时间',
  Status: '状态',
  Duration: '耗时',
  User: '用户',
  Client: '客户端',
  Newer: '较新',
  Older: '较早',
  // Alerts
  Acknowledge: '确认',
  Resolve: '解决',
  'Alerts seen in the last 30 days': '最近 30 天的告警',
  'No alerts match': '没有符合条件的告警',
  Severity: '严重级别',
  Rule: '规则',
  'First / last seen': '首次 / 最近发现',
  // Reports
  failed: '失败',
  'not checked': '未检查',
  verified: '已验证',
  tampered: '已被篡改',
  'Generating…': '正在生成…',
  'Generate now': '立即生成',
  'to {time}': '至 {time}',
  'by {who} · {schedule}': '由 {who} · {schedule}',
  '{pass} pass · {warn} warn · {fail} fail': '{pass} 通过 · {warn} 警告 · {fail} 不通过',
  'Compliance reports are signed (Ed25519); verification re-checks each file against its manifest.':
    '合规报告均已签名（Ed25519）；验证会按清单重新核对每个文件。',
  'No reports yet: generate one for the selected time range': '还没有报告：可为所选时间范围生成一份',
  Report: '报告',
  Period: '周期',
  Created: '生成时间',
  Checks: '检查',
  Verification: '验证',
  Download: '下载',
  // Export
  Export: '导出',
  'Export sinks': '导出目标',
  Sink: '导出目标',
  'Lag (messages)': '积压（消息数）',
  Throughput: '吞吐量',
  'Last success': '最近成功',
  'Last error': '最近错误',
  ok: '正常',
  paused: '已暂停',
  failing: '失败中',
  unknown: '未知',
  'failing since {time}': '自 {time} 起失败',
  '{rate}/s': '{rate}/秒',
  'tenants: {tenants}': '租户：{tenants}',
  'No exporter has reported this sink yet': '尚无导出服务报告此导出目标',
  'Live from the exporter running in this process.': '实时数据，来自本进程中运行的导出服务。',
  'No exporter has reported these sinks yet.': '尚无导出服务报告这些导出目标。',
  'As the exporter, running apart from this console, saw them {seconds} s ago.':
    '导出服务（与此控制台分开运行）在 {seconds} 秒前记录的状态。',
  "No export sinks send this tenant's events yet.": '还没有导出目标接收此租户的事件。',
  'Add them under export.sinks in the configuration and restart the exporter (mcp-audit start, or mcp-audit exporter in server mode). Each sink lists the tenants whose events it receives:':
    '请在配置的 export.sinks 下添加导出目标，然后重启导出服务（mcp-audit start，服务器模式下为 mcp-audit exporter）。每个导出目标列出其接收事件的租户：',
}

const CATALOGS = { en: {}, 'zh-CN': ZH }

function stored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return value && value in LOCALES ? value : undefined
  } catch {
    return undefined
  }
}

/** The chosen language, else the browser's when it is Chinese, else English. */
export function locale() {
  return stored() ?? (navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en')
}

/** True when the user picked a language, which then also applies to the reports they generate. */
export function localeChosen() {
  return stored() !== undefined
}

export function setLocale(value) {
  localStorage.setItem(STORAGE_KEY, value)
}

/** The message in the current language, `{name}` placeholders filled from `values`. */
export function t(message, values = {}) {
  const template = CATALOGS[locale()][message] ?? message
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole))
}

/** Static texts of index.html: `data-i18n` (text), `data-i18n-aria-label` (the label attribute). */
export function translateStatic(root = document) {
  document.documentElement.lang = locale()
  document.title = t('mcp-audit console')
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n)
  for (const el of root.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel))
}
