import * as fs from 'node:fs';
import * as path from 'node:path';
import { intentFromAction, llmActionNames } from '../../../src/app/planner/llmActions';

interface ActionSpec {
  name: string;
  parameters: { properties: Record<string, unknown>; required?: string[] };
}

const specs: ActionSpec[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../../src/app/planner/prompts/plan/actions.json'), 'utf8'),
);

describe('LLM planner actions', () => {
  it('offers the model exactly the actions the planner validates', () => {
    expect(specs.map((s) => s.name).sort()).toEqual([...llmActionNames].sort());
  });

  it.each(specs.map((s) => [s.name, s] as const))(
    '%s: the schema refuses a call without its required parameters',
    (name, spec) => {
      const required = spec.parameters.required ?? [];
      const result = intentFromAction(name, {});
      expect(result.ok).toBe(required.length === 0);
    },
  );

  it('refuses an action the model made up', () => {
    expect(intentFromAction('grantAdmin', { user: 'me' })).toEqual({
      ok: false,
      problem: 'unknown action "grantAdmin"',
    });
  });

  it('drops parameters the action does not have', () => {
    expect(intentFromAction('requestRotation', { appQuery: 'Payroll', approver: 'me' })).toMatchObject({
      ok: true,
      intent: { kind: 'requestRotation', appQuery: 'Payroll' },
    });
  });

  it('treats a null optional parameter as absent', () => {
    expect(intentFromAction('diagnoseFlow', { flowName: null })).toMatchObject({
      ok: true,
      intent: { kind: 'diagnoseFlow', flowName: undefined },
    });
  });
});
