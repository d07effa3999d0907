const unescapeHtml = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The href of the authorizer's start page's "Authorize on WeChat" link. */
export function authorizeHref(html: string): string {
  const match = /<a id="authorize"[^>]*href="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no authorize link in ${html}`);
  return unescapeHtml(match[1]!);
}

/** The hidden fields of wechat-sim's page form for one account (what its "Authorize" button posts). */
export function confirmForm(html: string, authorizerAppid: string): URLSearchParams {
  const form = html
    .split('<li>')
    .find((item) => item.includes(`name="authorizer_appid" value="${authorizerAppid}"`));
  if (!form) throw new Error(`account ${authorizerAppid} is not offered on ${html}`);
  const fields = new URLSearchParams();
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(name!, unescapeHtml(value!));
  }
  return fields;
}
