import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../reference/profiles/index.js';
import { resolveVariant } from '../../reference/resolve.js';

/** The names a refusal lists as accepted (native, canonical and axes). */
function listedNames(message: string): string[] {
  const m = /; accepted: (.*?) \(or canonical: (.*?); axes: (.*?)\)/.exec(message);
  if (!m) throw new Error(`no accepted list in: ${message}`);
  return [m[1], m[2], m[3]].flatMap((part) => part.split(', ')).filter((n) => n !== '');
}

function unknownSetting(profile: string, name: string): string | null {
  try {
    resolveVariant(profile, 'float64', { [name]: '0' });
    return null;
  } catch (e) {
    const message = (e as Error).message;
    return message.startsWith('unknown setting') ? message : null; // a bad value for a known name is another error
  }
}

describe('refusal messages', () => {
  it('--set decay=0.9 on keras is refused without listing decay as accepted, and says what decay means elsewhere', () => {
    const message = unknownSetting('keras', 'decay')!;
    expect(message).toMatch(/^unknown setting 'decay' for profile keras/);
    expect(listedNames(message)).not.toContain('decay');
    expect(message).toContain("keras calls decay 'rho'");
  });

  for (const profile of PROFILES) {
    it(`every name listed as accepted for ${profile.name} is accepted`, () => {
      const names = listedNames(unknownSetting(profile.name, 'no-such-setting')!);
      expect(names.filter((n) => unknownSetting(profile.name, n) !== null)).toEqual([]);
    });
  }
});
