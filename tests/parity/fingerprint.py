#!/usr/bin/env python3
"""Reduces a `run --out` JSON to what must not change across a refactor: every metric and byte count of every
round and client round (not the wall-clock times). Usage: fingerprint.py results.json > fingerprint.json"""
import json, sys

def kinds(d):
    return {k.lower(): v for k, v in sorted((d or {}).items(), key=lambda kv: kv[0].lower()) if v}

def by_direction(r):
    # Before the traffic-as-data change: bytesUpByKind/bytesDownByKind; after: a list of {kind, direction, bytes}.
    if 'traffic' in r:
        up = {t['kind'].lower(): t['bytes'] for t in r['traffic'] if t['direction'] == 'up' and t['bytes']}
        down = {t['kind'].lower(): t['bytes'] for t in r['traffic'] if t['direction'] == 'down' and t['bytes']}
        return dict(sorted(up.items())), dict(sorted(down.items()))
    return kinds(r.get('bytesUpByKind')), kinds(r.get('bytesDownByKind'))

def rnd(r):
    g = r['global']
    up, down = by_direction(r)
    out = {'round': r['round'], 'accuracy': g['accuracy'], 'macroF1': g['macroF1'], 'loss': g['loss'],
           'examples': g['examples'], 'clients': r['clients'], 'bytesUp': up, 'bytesDown': down,
           'clientFlops': r['clientFlops'], 'trainLoss': r.get('trainLoss'),
           'clientAccuracyMean': r.get('clientAccuracyMean'), 'clientAccuracyStd': r.get('clientAccuracyStd')}
    return out

def client(c):
    up, down = by_direction(c)
    return {'round': c['round'], 'client': c['clientId'], 'examples': c['examples'], 'steps': c['steps'],
            'trainLoss': c['trainLoss'], 'bytesUp': up, 'bytesDown': down, 'flops': c['flops']}

d = json.load(open(sys.argv[1]))
print(json.dumps({'status': d['status'].lower(), 'trainableParameters': d['info']['trainableParameters'],
                  'rounds': [rnd(r) for r in d['rounds']],
                  'clientRounds': [client(c) for c in d['clientRounds']]}, indent=1))
