import { ContractTypes } from './contract-types';

/** Decorators as class-validator declares them (only their names and arguments are read). */
const DECORATORS = `
declare function IsInt(options?: object): PropertyDecorator;
declare function IsIn(values: readonly unknown[]): PropertyDecorator;
declare function IsOptional(): PropertyDecorator;
declare function IsString(): PropertyDecorator;
declare function IsISO8601(options?: object): PropertyDecorator;
declare function MaxLength(max: number): PropertyDecorator;
declare function ArrayMaxSize(max: number): PropertyDecorator;
declare function Min(min: number): PropertyDecorator;
declare function Max(max: number): PropertyDecorator;
`;

const SOURCE = `${DECORATORS}
export const SHAPES = ['round', 'square'] as const;
export type Shape = (typeof SHAPES)[number];

/** Why it broke. */
export const BreakReasons = {
  /** It fell. */
  Fell: 'fell',
  /** It was dropped. */
  Dropped: 'dropped',
} as const;
export type BreakReason = (typeof BreakReasons)[keyof typeof BreakReasons];

/** Fields every thing event carries. */
export class ThingRef {
  /** The thing's id. */
  @IsString()
  @MaxLength(64)
  thingId!: string;
}

/** \`thing.broken\`: a thing broke
 * and was reported. */
export class ThingBrokenData extends ThingRef {
  @IsIn(Object.values(BreakReasons))
  reason!: BreakReason;

  @IsIn(SHAPES)
  shape!: Shape;

  /** Pieces, by number. */
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  pieces!: number[];

  @IsInt()
  @Min(0)
  @Max(100)
  percent!: number;

  @IsOptional()
  @MaxLength(1024 * 1024)
  note?: string | null;

  @IsISO8601({ strict: true })
  brokenAt!: string;

  repaired!: boolean;
}

/** Any fields. */
export class LooseData {
  [field: string]: unknown;

  raw!: string;
}

/** An envelope. */
export interface Envelope<TData = Record<string, unknown>, TType extends string = string> {
  /** Its id. */
  id: string;
  type: TType;
  /** Absent sometimes. */
  owner?: string;
  data: TData;
}
`;

describe(ContractTypes.name, () => {
  const sut = ContractTypes.fromSources({ '/contracts/things.ts': SOURCE });

  describe('describe', () => {
    it('reads a class: its JSDoc on one line, inherited fields first, each with type, optionality and JSDoc', () => {
      const type = sut.describe('ThingBrokenData');
      expect(type.name).toBe('ThingBrokenData');
      expect(type.doc).toBe('`thing.broken`: a thing broke and was reported.');
      expect(type.fields.map((field) => [field.name, field.declaredIn, field.optional])).toEqual([
        ['thingId', 'ThingRef', false],
        ['reason', 'ThingBrokenData', false],
        ['shape', 'ThingBrokenData', false],
        ['pieces', 'ThingBrokenData', false],
        ['percent', 'ThingBrokenData', false],
        ['note', 'ThingBrokenData', true],
        ['brokenAt', 'ThingBrokenData', false],
        ['repaired', 'ThingBrokenData', false],
      ]);
      expect(type.fields[0]).toMatchObject({ doc: "The thing's id.", rules: ['at most 64 characters'] });
      expect(type.fields.find((field) => field.name === 'reason')?.doc).toBeUndefined();
    });

    it('spells out types: literal unions behind aliases, integers where @IsInt says so, null but not undefined', () => {
      const types = Object.fromEntries(
        sut.describe('ThingBrokenData').fields.map((field) => [field.name, field.type]),
      );
      expect(types).toEqual({
        thingId: 'string',
        reason: '"fell" | "dropped"',
        shape: '"round" | "square"',
        pieces: 'integer[]',
        percent: 'integer',
        note: 'string | null',
        brokenAt: 'string',
        repaired: 'boolean',
      });
    });

    it('turns validation decorators into rules, evaluating numeric arguments', () => {
      const rules = Object.fromEntries(
        sut.describe('ThingBrokenData').fields.map((field) => [field.name, field.rules]),
      );
      expect(rules).toMatchObject({
        pieces: ['at most 10 items'],
        percent: ['≥ 0', '≤ 100'],
        note: ['at most 1,048,576 characters'],
        brokenAt: ['ISO-8601 time'],
      });
    });

    it('lists the values of @IsIn(Object.values(X)) with their JSDoc, and none for an undocumented array', () => {
      const fields = sut.describe('ThingBrokenData').fields;
      expect(fields.find((field) => field.name === 'reason')?.values).toEqual([
        { value: 'fell', doc: 'It fell.' },
        { value: 'dropped', doc: 'It was dropped.' },
      ]);
      expect(fields.find((field) => field.name === 'shape')?.values).toBeUndefined();
    });

    it('reports an index signature as further fields', () => {
      expect(sut.describe('LooseData')).toEqual({
        name: 'LooseData',
        doc: 'Any fields.',
        fields: [expect.objectContaining({ name: 'raw', type: 'string' })],
        indexSignature: { type: 'unknown', declaredIn: 'LooseData' },
      });
    });

    it('reads an interface, type parameters replaced by their constraint or default', () => {
      const type = sut.describe('Envelope');
      expect(type.fields.map(({ name, type, optional, doc }) => ({ name, type, optional, doc }))).toEqual([
        { name: 'id', type: 'string', optional: false, doc: 'Its id.' },
        { name: 'type', type: 'string', optional: false, doc: undefined },
        { name: 'owner', type: 'string', optional: true, doc: 'Absent sometimes.' },
        { name: 'data', type: 'Record<string, unknown>', optional: false, doc: undefined },
      ]);
    });

    it('throws for a name the contracts do not declare', () => {
      expect(sut.has('Nothing')).toBe(false);
      expect(() => sut.describe('Nothing')).toThrow('no class or interface Nothing in the contracts');
    });
  });

  it('refuses two declarations of one name (the doc could not tell which is meant)', () => {
    expect(() =>
      ContractTypes.fromSources({ '/a.ts': 'export class Same {}', '/b.ts': 'export class Same {}' }),
    ).toThrow('Same is declared twice');
  });
});
