/** A separate process appending records to one audit log (for the concurrency test). */
import { AuditLog } from '../../../src/core/audit/auditLog';

const [dir, name, count] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const log = new AuditLog(dir);
for (let i = 0; i < count; i++) log.append({ type: 'decision', agent: 'claude', target: `${name}-${i}`, action: 'allow', decidedBy: 'policy', reason: 'test' });
