// Building and merging LockEffects: one entry per relation, strongest mode wins.
import type { FkJoin, IndexKey, LockEffect, LockMode } from '../types';
import { blockedBy, lockStrength } from './modes';

export interface EffectDetail {
  rewrite?: boolean;
  scan?: boolean;
  indexBuild?: boolean;
  /** The relation's file is replaced by an empty one (TRUNCATE): a new relfilenode, but no data copied. */
  emptiesTable?: boolean;
  indexKeys?: IndexKey[];
  fkJoin?: FkJoin;
  why: string;
}

export function effect(relation: string, mode: LockMode, detail: EffectDetail): LockEffect {
  // A rewrite reads every row (PostgreSQL counts it as a sequential scan); an emptied table reads none.
  const scan = !!detail.scan || (!!detail.rewrite && !detail.emptiesTable);
  const e: LockEffect = { relation, mode, blocks: blockedBy(mode), rewrite: !!detail.rewrite, scan, why: detail.why };
  if (detail.indexBuild) e.indexBuild = true;
  if (detail.emptiesTable) e.emptiesTable = true;
  if (detail.indexKeys) e.indexKeys = detail.indexKeys;
  if (detail.fkJoin) e.fkJoin = detail.fkJoin;
  return e;
}

/** Folds several effects into one per relation, keeping first-seen order. */
export function mergeEffects(effects: LockEffect[]): LockEffect[] {
  const byRelation = new Map<string, LockEffect>();
  // The reasons of each relation, distinct, kept apart until the end: joining them on every merge made
  // an ALTER TABLE with thousands of subcommands quadratic.
  const reasons = new Map<string, { parts: string[]; seen: Set<string> }>();
  for (const e of effects) {
    const prev = byRelation.get(e.relation);
    if (!prev) {
      byRelation.set(e.relation, { ...e });
      reasons.set(e.relation, { parts: [e.why], seen: new Set([e.why]) });
      continue;
    }
    const stronger = lockStrength(e.mode) > lockStrength(prev.mode);
    const r = reasons.get(e.relation)!;
    if (!r.seen.has(e.why)) {
      r.seen.add(e.why);
      // The strongest lock's reason comes first.
      if (stronger) r.parts.unshift(e.why);
      else r.parts.push(e.why);
    } else if (stronger) {
      r.parts.splice(r.parts.indexOf(e.why), 1);
      r.parts.unshift(e.why);
    }
    const merged: LockEffect = {
      relation: e.relation,
      mode: stronger ? e.mode : prev.mode,
      blocks: stronger ? e.blocks : prev.blocks,
      rewrite: prev.rewrite || e.rewrite,
      scan: prev.scan || e.scan,
      why: '',
    };
    if (prev.indexBuild || e.indexBuild) merged.indexBuild = true;
    // Two index builds on one relation: no keys, so the estimate falls back to the table's size.
    const keys = prev.indexKeys ?? e.indexKeys;
    if (keys && !(prev.indexBuild && e.indexBuild)) merged.indexKeys = keys;
    const join = prev.fkJoin ?? e.fkJoin;
    if (join && !(prev.fkJoin && e.fkJoin)) merged.fkJoin = join;
    // Exempt from the timeout rules only when every lock on the relation is.
    if (prev.timeoutNoHelp && e.timeoutNoHelp) merged.timeoutNoHelp = prev.timeoutNoHelp;
    if ((prev.emptiesTable || e.emptiesTable) && !(prev.rewrite && !prev.emptiesTable) && !(e.rewrite && !e.emptiesTable))
      merged.emptiesTable = true;
    byRelation.set(e.relation, merged);
  }
  for (const [relation, e] of byRelation) e.why = reasons.get(relation)!.parts.join('; ');
  return [...byRelation.values()];
}
