import { dirname, resolve } from 'node:path';

import * as ts from 'typescript';

/** One property of a payload class or of the envelope interface, as its declaration says. */
export interface FieldDoc {
  name: string;
  /** TypeScript's type, aliases expanded (`"auth_code" | "sync"`); `integer` where `@IsInt` says so. */
  type: string;
  optional: boolean;
  /** The property's JSDoc, if any. */
  doc?: string;
  /** What its class-validator decorators require beyond the type (`at most 255 characters`, …). */
  rules: string[];
  /** The class or interface that declares it (a base class for inherited fields). */
  declaredIn: string;
  /** The allowed values with their JSDoc, where `@IsIn(Object.values(X))` names a documented const object. */
  values?: { value: string; doc?: string }[];
}

/** A class or interface of libs/contracts: its JSDoc, its fields (inherited first), an index signature if any. */
export interface TypeDoc {
  name: string;
  doc?: string;
  fields: FieldDoc[];
  /** `[field: string]: T`: further fields of any name (raw pushes). */
  indexSignature?: { type: string; declaredIn: string };
}

/**
 * Reads the classes and interfaces of a set of TypeScript files with the compiler API (the payload
 * classes carry no runtime metadata about their fields' types or comments).
 */
export class ContractTypes {
  private readonly checker: ts.TypeChecker;
  private readonly declarations = new Map<string, ts.ClassDeclaration | ts.InterfaceDeclaration>();

  /** `files`: the program's files whose classes and interfaces are the contracts (all its root files by default). */
  constructor(program: ts.Program, files: readonly string[] = program.getRootFileNames()) {
    this.checker = program.getTypeChecker();
    for (const file of files) {
      const source = program.getSourceFile(file);
      if (!source) throw new Error(`cannot read ${file}`);
      for (const statement of source.statements) {
        if ((ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name) {
          const name = statement.name.text;
          if (this.declarations.has(name)) throw new Error(`${name} is declared twice in the contracts`);
          this.declarations.set(name, statement);
        }
      }
    }
  }

  /** Every file under `directory` that `entry` (e.g. libs/contracts/src/index.ts) reaches. */
  static fromEntry(entry: string, tsconfig: string): ContractTypes {
    const { config, error } = ts.readConfigFile(tsconfig, (path) => ts.sys.readFile(path));
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(tsconfig));
    const directory = dirname(resolve(entry));
    const program = ts.createProgram([resolve(entry)], { ...options, noEmit: true });
    const files = program
      .getSourceFiles()
      .map((source) => source.fileName)
      .filter((file) => resolve(file).startsWith(directory));
    return new ContractTypes(program, files);
  }

  /** In-memory sources (file name → text), for tests. */
  static fromSources(sources: Record<string, string>): ContractTypes {
    const options: ts.CompilerOptions = {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (file) => file in sources || ts.sys.fileExists(file);
    host.readFile = (file) => sources[file] ?? readFile(file);
    host.getSourceFile = (file, language) =>
      file in sources
        ? ts.createSourceFile(file, sources[file]!, language, true)
        : getSourceFile(file, language);
    return new ContractTypes(ts.createProgram(Object.keys(sources), options, host));
  }

  has(name: string): boolean {
    return this.declarations.has(name);
  }

  describe(name: string): TypeDoc {
    const declaration = this.declarations.get(name);
    if (!declaration) throw new Error(`no class or interface ${name} in the contracts`);
    const fields = new Map<string, FieldDoc>();
    let indexSignature: TypeDoc['indexSignature'];
    const chain: (ts.ClassDeclaration | ts.InterfaceDeclaration)[] = [];
    for (let current: typeof declaration | undefined = declaration; current; current = this.baseOf(current)) {
      chain.unshift(current);
    }
    for (const owner of chain) {
      const ownerName = owner.name!.text;
      for (const member of owner.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
        if (ts.isIndexSignatureDeclaration(member)) {
          indexSignature = {
            type: this.text(this.checker.getTypeFromTypeNode(member.type)),
            declaredIn: ownerName,
          };
          continue;
        }
        if (!ts.isPropertyDeclaration(member) && !ts.isPropertySignature(member)) continue;
        if (!ts.isIdentifier(member.name)) continue;
        const field = this.field(member, ownerName);
        // An override keeps the base's place in the order.
        fields.set(field.name, field);
      }
    }
    return {
      name,
      doc: this.docOf(declaration.name!),
      fields: [...fields.values()],
      ...(indexSignature ? { indexSignature } : {}),
    };
  }

  private baseOf(declaration: ts.ClassDeclaration | ts.InterfaceDeclaration) {
    const heritage = declaration.heritageClauses?.find(
      (clause) => clause.token === ts.SyntaxKind.ExtendsKeyword,
    );
    const base = heritage?.types[0];
    if (!base) return undefined;
    const symbol = this.checker.getSymbolAtLocation(base.expression);
    const resolved =
      symbol && symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const found = resolved?.declarations?.find(
      (d): d is ts.ClassDeclaration | ts.InterfaceDeclaration =>
        ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d),
    );
    if (!found) throw new Error(`cannot resolve the base ${base.getText()} of ${declaration.name?.text}`);
    return found;
  }

  private field(member: ts.PropertyDeclaration | ts.PropertySignature, declaredIn: string): FieldDoc {
    const decorators = ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : [];
    const calls = decorators.flatMap((decorator) => {
      const call = decorator.expression;
      if (!ts.isCallExpression(call)) return [];
      return [{ name: call.expression.getText(), args: call.arguments }];
    });
    const has = (name: string) => calls.some((call) => call.name === name);
    let type = this.text(this.checker.getTypeAtLocation(member));
    const integer = calls.find((call) => call.name === 'IsInt');
    if (integer) {
      const each = integer.args[0]?.getText().replace(/\s/g, '').includes('each:true');
      type = each ? type.replace(/\bnumber\[\]/, 'integer[]') : type.replace(/\bnumber\b/, 'integer');
    }
    const rules = calls.flatMap(({ name, args }) => {
      const value = args[0] ? numberOf(args[0]) : undefined;
      switch (name) {
        case 'MaxLength':
          return [`at most ${value} characters`];
        case 'ArrayMaxSize':
          return [`at most ${value} items`];
        case 'Min':
          return [`≥ ${value}`];
        case 'Max':
          return [`≤ ${value}`];
        case 'IsISO8601':
          return ['ISO-8601 time'];
        case 'IsNotEmpty':
          return ['not empty'];
        default:
          return [];
      }
    });
    const isIn = calls.find((call) => call.name === 'IsIn')?.args[0];
    const values = isIn ? this.documentedValues(isIn) : undefined;
    return {
      name: (member.name as ts.Identifier).text,
      type,
      optional: member.questionToken !== undefined || has('IsOptional'),
      doc: this.docOf(member.name),
      rules,
      declaredIn,
      ...(values ? { values } : {}),
    };
  }

  /** `Object.values(X)` where X is a const object of string values: each value with its JSDoc. */
  private documentedValues(argument: ts.Expression): FieldDoc['values'] {
    if (!ts.isCallExpression(argument) || argument.expression.getText() !== 'Object.values') return undefined;
    const target = argument.arguments[0];
    const symbol = target && this.checker.getSymbolAtLocation(target);
    const resolved =
      symbol && symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const declaration = resolved?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
    let initializer: ts.Expression = declaration.initializer;
    while (ts.isAsExpression(initializer) || ts.isSatisfiesExpression(initializer))
      initializer = initializer.expression;
    if (!ts.isObjectLiteralExpression(initializer)) return undefined;
    const values = initializer.properties.flatMap((property) =>
      ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer)
        ? [{ value: property.initializer.text, doc: this.docOf(property.name) }]
        : [],
    );
    return values.some((value) => value.doc) ? values : undefined;
  }

  private docOf(name: ts.Node): string | undefined {
    const symbol = this.checker.getSymbolAtLocation(name);
    const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim() : '';
    return text ? text.replace(/\s*\n\s*/g, ' ') : undefined;
  }

  /** A type as a subscriber reads it: literal unions spelled out, `undefined` (optionality) left out. */
  private text(type: ts.Type): string {
    if (type.flags & ts.TypeFlags.TypeParameter) {
      const parameter = type as ts.TypeParameter;
      const stand =
        this.checker.getBaseConstraintOfType(parameter) ??
        this.checker.getDefaultFromTypeParameter(parameter);
      if (stand && !(stand.flags & ts.TypeFlags.Unknown)) return this.text(stand);
      const fallback = this.checker.getDefaultFromTypeParameter(parameter);
      return fallback ? this.text(fallback) : 'unknown';
    }
    if (!type.isUnion()) return this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    const parts = type.types.filter((part) => !(part.flags & ts.TypeFlags.Undefined));
    const booleans = parts.filter((part) => part.flags & ts.TypeFlags.BooleanLiteral);
    const texts = parts
      .filter((part) => !(part.flags & ts.TypeFlags.BooleanLiteral))
      .map((part) => this.checker.typeToString(part, undefined, ts.TypeFormatFlags.NoTruncation));
    if (booleans.length === 2) texts.push('boolean');
    else texts.push(...booleans.map((part) => this.checker.typeToString(part)));
    // null last, as people write it (`string | null`).
    return texts.sort((a, b) => Number(a === 'null') - Number(b === 'null')).join(' | ');
  }
}

/** The value of a numeric decorator argument (`255`, `1024 * 1024`); its source text otherwise. */
function numberOf(node: ts.Expression): string {
  const evaluate = (expression: ts.Expression): number | undefined => {
    if (ts.isNumericLiteral(expression)) return Number(expression.text);
    if (ts.isParenthesizedExpression(expression)) return evaluate(expression.expression);
    if (ts.isBinaryExpression(expression)) {
      const left = evaluate(expression.left);
      const right = evaluate(expression.right);
      if (left === undefined || right === undefined) return undefined;
      if (expression.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return left * right;
      if (expression.operatorToken.kind === ts.SyntaxKind.PlusToken) return left + right;
    }
    return undefined;
  };
  const value = evaluate(node);
  return value === undefined ? node.getText() : value.toLocaleString('en-US');
}
