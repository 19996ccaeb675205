import type { JsonPath } from '@ami-bakery/recipe-schema';
import { didYouMean } from '../suggest.js';
import { intrinsicName, isCustomResourceType, isRecord, PSEUDO_PARAMETERS, subVariables } from '../intrinsics.js';
import type { TemplateHit, TemplateRule, TemplateRuleContext } from '../rule.js';

export const danglingReference: TemplateRule = {
  id: 'RB5005',
  slug: 'dangling-reference',
  severity: 'error',
  description:
    'Every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn, Condition and Fn::FindInMap names something the template declares (or a pseudo parameter), and every GetAtt attribute exists.',
  appliesTo: 'template',
  check(ctx) {
    // A transform (SAM, language extensions) generates resources and names that are not in the
    // source, so a name missing here may well exist after the transform: no reliable verdict.
    if (ctx.hasTransform) return [];
    const refs = new References(ctx);
    for (const [name, resource] of Object.entries(ctx.resources)) {
      if (!isRecord(resource)) continue;
      const path = ['Resources', name];
      refs.dependsOn(name, resource.DependsOn, [...path, 'DependsOn']);
      if (resource.Condition !== undefined) refs.condition(resource.Condition, [...path, 'Condition']);
      for (const [key, value] of Object.entries(resource)) {
        // Metadata is read by tools, never resolved by CloudFormation.
        if (key !== 'Metadata' && key !== 'DependsOn' && key !== 'Condition') refs.walk(value, [...path, key], false);
      }
    }
    const root = isRecord(ctx.template) ? ctx.template : {};
    if (isRecord(root.Outputs)) {
      for (const [name, output] of Object.entries(root.Outputs)) {
        if (!isRecord(output)) continue;
        if (output.Condition !== undefined) refs.condition(output.Condition, ['Outputs', name, 'Condition']);
        for (const [key, value] of Object.entries(output)) if (key !== 'Condition') refs.walk(value, ['Outputs', name, key], false);
      }
    }
    if (isRecord(root.Conditions)) refs.walk(root.Conditions, ['Conditions'], true);
    return refs.hits;
  },
};

class References {
  readonly hits: TemplateHit[] = [];
  private readonly refNames: string[];

  constructor(private readonly ctx: TemplateRuleContext) {
    this.refNames = [...ctx.parameters, ...Object.keys(ctx.resources), ...PSEUDO_PARAMETERS];
  }

  walk(value: unknown, path: JsonPath, inConditions: boolean): void {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) this.walk(item, [...path, index], inConditions);
      return;
    }
    if (!isRecord(value)) return;
    const fn = intrinsicName(value);
    const arg = fn === undefined ? undefined : value[fn];
    switch (fn) {
      case 'Ref':
        if (typeof arg === 'string') this.ref(arg, [...path, 'Ref']);
        else this.walk(arg, [...path, 'Ref'], inConditions);
        return;
      case 'Fn::GetAtt':
        this.getAtt(arg, [...path, 'Fn::GetAtt'], inConditions);
        return;
      case 'Fn::Sub':
        this.sub(arg, [...path, 'Fn::Sub'], inConditions);
        return;
      case 'Fn::If':
        if (Array.isArray(arg)) this.condition(arg[0], [...path, 'Fn::If', 0]);
        if (Array.isArray(arg)) for (const [index, item] of arg.entries()) if (index > 0) this.walk(item, [...path, 'Fn::If', index], inConditions);
        return;
      case 'Fn::FindInMap':
        if (Array.isArray(arg) && typeof arg[0] === 'string' && !this.ctx.mappings.has(arg[0])) {
          this.hit([...path, 'Fn::FindInMap', 0], `Fn::FindInMap names mapping '${arg[0]}', which the Mappings section does not declare${this.suggest(arg[0], [...this.ctx.mappings])}`);
        }
        this.walk(arg, [...path, 'Fn::FindInMap'], inConditions);
        return;
      default:
        break;
    }
    // Inside Conditions, `{ Condition: Name }` refers to another condition.
    const keys = Object.keys(value);
    if (inConditions && keys.length === 1 && keys[0] === 'Condition') {
      this.condition(value.Condition, [...path, 'Condition']);
      return;
    }
    for (const [key, item] of Object.entries(value)) this.walk(item, [...path, key], inConditions);
  }

  dependsOn(self: string, value: unknown, path: JsonPath): void {
    const entries = typeof value === 'string' ? [[value, path] as const] : Array.isArray(value) ? value.map((v, i) => [v, [...path, i]] as const) : [];
    for (const [target, targetPath] of entries) {
      if (typeof target !== 'string') continue;
      if (target === self) this.hit(targetPath, `Resource '${self}' depends on itself; remove '${target}' from DependsOn.`);
      else if (!Object.hasOwn(this.ctx.resources, target)) {
        this.hit(targetPath, `DependsOn names '${target}', which is not a resource of this template${this.suggest(target, Object.keys(this.ctx.resources))}`);
      }
    }
  }

  condition(name: unknown, path: JsonPath): void {
    if (typeof name !== 'string' || this.ctx.conditions.has(name)) return;
    this.hit(path, `Condition '${name}' is not declared in the Conditions section${this.suggest(name, [...this.ctx.conditions])}`);
  }

  private ref(name: string, path: JsonPath, extra: readonly string[] = [], needle?: string, what = `Ref '${name}'`): void {
    if (this.ctx.parameters.has(name) || Object.hasOwn(this.ctx.resources, name) || PSEUDO_PARAMETERS.includes(name) || extra.includes(name)) return;
    this.hit(path, `${what} names no parameter, resource or pseudo parameter of this template${this.suggest(name, [...this.refNames, ...extra])}`, needle);
  }

  private getAtt(arg: unknown, path: JsonPath, inConditions: boolean): void {
    let resource: unknown;
    let attribute: unknown;
    let attributePath: JsonPath = path;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [resource, attribute] = dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg)) {
      [resource, attribute] = arg;
      attributePath = [...path, 1];
      if (typeof attribute !== 'string') this.walk(attribute, attributePath, inConditions);
    }
    if (typeof resource !== 'string') return;
    this.attribute(resource, typeof attribute === 'string' ? attribute : undefined, Array.isArray(arg) ? [...path, 0] : path, attributePath, 'Fn::GetAtt');
  }

  /** Checks `Resource.Attribute`; `attribute` undefined means it is computed and cannot be checked. */
  private attribute(resource: string, attribute: string | undefined, resourcePath: JsonPath, attributePath: JsonPath, what: string, needle?: string): void {
    const target = this.ctx.resources[resource];
    if (target === undefined || !Object.hasOwn(this.ctx.resources, resource)) {
      const isParameter = this.ctx.parameters.has(resource);
      this.hit(
        resourcePath,
        isParameter
          ? `${what} names '${resource}', which is a parameter; use !Ref ${resource} for a parameter's value.`
          : `${what} names '${resource}', which is not a resource of this template${this.suggest(resource, Object.keys(this.ctx.resources))}`,
        needle,
      );
      return;
    }
    if (attribute === undefined || !isRecord(target) || typeof target.Type !== 'string') return;
    const type = target.Type;
    if (isCustomResourceType(type)) return;
    // A nested stack exposes each of its outputs as `Outputs.<Name>`.
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
    const spec = this.ctx.spec.resource(type);
    // Registry resources also return their own top-level properties through GetAtt (cfn-lint
    // accepts them too), so those names are valid besides the listed attributes.
    if (!spec || spec.attributes.includes(attribute) || Object.hasOwn(spec.properties, attribute)) return;
    const candidates = [...spec.attributes, ...Object.keys(spec.properties)];
    this.hit(
      attributePath,
      `${what}: ${type} has no attribute '${attribute}'${spec.attributes.length > 0 ? ` (its attributes: ${spec.attributes.join(', ')})` : ''}${this.suggest(attribute, candidates, '; use one of those or a property name.')}`,
      needle,
    );
  }

  private sub(arg: unknown, path: JsonPath, inConditions: boolean): void {
    let text: unknown = arg;
    let textPath: JsonPath = path;
    let variables: string[] = [];
    if (Array.isArray(arg)) {
      [text] = arg;
      textPath = [...path, 0];
      const map = arg[1];
      if (isRecord(map)) {
        variables = Object.keys(map);
        this.walk(map, [...path, 1], inConditions);
      }
    }
    if (typeof text !== 'string') return;
    for (const variable of subVariables(text)) {
      const dot = variable.name.indexOf('.');
      if (dot < 0 || variables.includes(variable.name)) {
        this.ref(variable.name, textPath, variables, variable.raw, `Fn::Sub variable ${variable.raw}`);
      } else {
        const what = `Fn::Sub variable ${variable.raw}`;
        this.attribute(variable.name.slice(0, dot), variable.name.slice(dot + 1), textPath, textPath, what, variable.raw);
      }
    }
  }

  private suggest(name: string, candidates: readonly string[], otherwise = '; declare it or fix the name.'): string {
    const suggestion = didYouMean(name, candidates);
    return suggestion ? `; did you mean '${suggestion}'?` : otherwise;
  }

  private hit(path: JsonPath, message: string, needle?: string): void {
    this.hits.push(needle === undefined ? { path, message } : { path, message, needle });
  }
}
