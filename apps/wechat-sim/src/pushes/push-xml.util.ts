/** Builds WeChat's inner XML: strings in CDATA, numbers bare, nested objects as elements. */
export function toWechatXml(fields: Record<string, unknown>): string {
  return `<xml>${Object.entries(fields)
    .map(([key, value]) => element(key, value))
    .join('')}</xml>`;
}

function element(key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return `<${key}>${value}</${key}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('');
    return `<${key}>${inner}</${key}>`;
  }
  return `<${key}><![CDATA[${String(value).replace(/]]>/g, ']]]]><![CDATA[>')}]]></${key}>`;
}
