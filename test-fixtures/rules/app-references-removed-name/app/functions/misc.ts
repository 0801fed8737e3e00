// Names that look like the removed ones but are not uses of them.
const score = 10;
const status = 'ok';
const users = ['a', 'b'];
const name = users.join(',');
export const route = '/api/small_lookup/audit_log';
export const lookup = await fetch(`https://example.com/small_lookup`);
export default { score, status, name };
