/** The small bilingual HTML pages merchants see. Every dynamic value is escaped. */

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Headers of every page: no caching (links and results are per merchant), no framing, no scripts. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
};

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6}` +
    `a.button{display:inline-block;padding:.75rem 1.5rem;background:#07c160;color:#fff;border-radius:.4rem;text-decoration:none}` +
    `.en{color:#555}</style></head><body>${body}</body></html>`
  );
}

/**
 * The start page: WeChat's authorization page must be opened by a link on the platform's
 * 授权发起页域名 (it checks the Referer), so the merchant gets here first and clicks through.
 */
export function startPage(input: { componentAppid: string; kind: 'pc' | 'h5'; wechatUrl: string }): string {
  const hint =
    input.kind === 'h5'
      ? `<p>请在微信中打开本页。<span class="en">Open this page inside WeChat.</span></p>`
      : `<p>点击后请使用公众号或小程序管理员的微信扫码。<span class="en">You will scan a QR code with the WeChat of the account's administrator.</span></p>`;
  return page(
    '授权公众号或小程序 / Authorize your account',
    `<h1>授权公众号或小程序</h1><p class="en">Authorize your official account or mini program</p>` +
      `<p>第三方平台 <code>${escapeHtml(input.componentAppid)}</code> 请求管理您的帐号。` +
      `<span class="en">The platform ${escapeHtml(input.componentAppid)} asks to manage your account.</span></p>` +
      hint +
      `<p><a id="authorize" class="button" href="${escapeHtml(input.wechatUrl)}">前往微信授权 / Authorize on WeChat</a></p>`,
  );
}

export function successPage(input: { authorizerAppid: string; bizRef?: string }): string {
  return page(
    '授权成功 / Authorized',
    `<h1 id="result" data-status="success">授权成功</h1><p class="en">Authorization complete.</p>` +
      `<p>帐号 / Account: <code id="authorizer-appid">${escapeHtml(input.authorizerAppid)}</code></p>` +
      (input.bizRef
        ? `<p>业务编号 / Reference: <code id="biz-ref">${escapeHtml(input.bizRef)}</code></p>`
        : '') +
      `<p>您可以关闭本页。<span class="en">You can close this page.</span></p>`,
  );
}

export function errorPage(input: { code: string; zh: string; en: string }): string {
  return page(
    '授权未完成 / Authorization not completed',
    `<h1 id="result" data-status="error" data-reason="${escapeHtml(input.code)}">授权未完成</h1>` +
      `<p class="en">Authorization not completed.</p>` +
      `<p id="reason">${escapeHtml(input.zh)}<br><span class="en">${escapeHtml(input.en)}</span></p>` +
      `<p><small>${escapeHtml(input.code)}</small></p>`,
  );
}
