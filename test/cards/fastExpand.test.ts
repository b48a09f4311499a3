/**
 * fastExpand gives exactly what adaptivecards-templating gives, or leaves the template to it (every card template
 * with its representative data is compared in test/connections/cardTemplates.test.ts): for the language's corner cases
 * ($data arrays of none, one and many items, $when, $root inside $data, numbers and booleans in text), and it
 * steps aside when the data needs the library's substitution of a missing value or the template an expression it
 * does not know.
 */
import * as ACData from 'adaptivecards-templating';
import { fastExpand, NOT_HANDLED } from '../../src/cards/fastExpand';
import { loadTemplate, renderCard } from '../../src/cards/renderCard';

const library = (template: ACData.Template, data: object) => template.expand({ $root: data });

describe('fastExpand', () => {
  it('keeps the library rules for $data, $when, $root, types and nulls', () => {
    const template = new ACData.Template({
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Page ${page} of ${pages}: ${done} (${$root.title})' },
        { type: 'TextBlock', $when: "${note != ''}", text: '${note}' },
        { type: 'TextBlock', $when: '${hasMore}', text: 'more' },
        { type: 'TextBlock', $when: '${count(items) > 1}', text: 'several' },
        {
          type: 'Container',
          $data: '${items}',
          items: [
            { type: 'TextBlock', text: '${label} of ${$root.title}', $when: "${kind == 'a'}" },
            { type: 'TextBlock', text: '${size}', isSubtle: '${size >= 2}' },
          ],
        },
        { type: 'FactSet', facts: [{ $data: '${items}', title: '${label}', value: '${size}' }] },
        { type: 'Container', $data: '${single}', items: [{ type: 'TextBlock', text: '${label}' }] },
        { type: 'TextBlock', text: 'plain', wrap: true, spacing: null },
        { type: 'Action.Execute', data: '${payload}' },
        { type: 'TextBlock', color: "${if(done, 'Good', 'Attention')}", $when: '${hasMore || !done}' },
        { type: 'TextBlock', text: 'both', $when: '${hasMore && done}' },
      ],
    });
    const items = [
      { label: 'one', kind: 'a', size: 1 },
      { label: 'two', kind: 'b', size: 2 },
      { label: 'three', kind: 'a', size: 3 },
    ];
    const base = { title: 'T', page: 2, pages: 3, payload: { verb: 'x', n: [1] }, single: items[0] };
    for (const data of [
      { ...base, note: 'a note', hasMore: true, done: true, items },
      { ...base, note: '', hasMore: false, done: false, items: [] },
      { ...base, note: 'x', hasMore: true, done: false, items: items.slice(0, 1) },
      { ...base, note: 'x', hasMore: false, done: true, items: items.slice(0, 2) },
    ]) {
      const fast = fastExpand(template, data);
      expect(fast).not.toBe(NOT_HANDLED);
      expect(fast).toEqual(library(template, data));
    }
  });

  it('compares and prints values as the library does: case-sensitive ==, decimals, booleans, quotes', () => {
    const template = new ACData.Template({
      a: "${x == 'url'}",
      b: "${x != ''}",
      c: '${n > 0}',
      d: '${count(arr) == 0}',
      e: 'v ${n} ${f}',
      g: '${f || g}',
      h: "${if(f, 'Y', 'N')}",
      i: '${s}',
    });
    for (const data of [
      { x: 'URL', n: 1.5, arr: [], f: false, g: true, s: 'a"b\\c' },
      { x: 'url', n: 0, arr: [1], f: true, g: false, s: 'x' },
    ]) {
      expect(fastExpand(template, data)).toEqual(library(template, data));
    }
  });

  it('leaves a missing value to the library, which shows the expression as it does', () => {
    const template = loadTemplate('myConnections');
    // No `note`: the library shows "${note}" for it.
    const data = {
      title: 'Your connections',
      summary: '1 connection',
      asOf: '',
      statusChart: { title: 'Connections by status', shown: false, points: [] },
      groups: [],
      hasMore: false,
      nextPage: 2,
      page: 1,
    };
    expect(fastExpand(template, data)).toBe(NOT_HANDLED);
    expect(renderCard('myConnections', data)).toEqual(library(template, data));
  });

  it('leaves an expression outside its subset to the library', () => {
    const template = new ACData.Template({ type: 'TextBlock', color: "${concat(a, 'b')}" });
    expect(fastExpand(template, { ok: true })).toBe(NOT_HANDLED);
    expect(fastExpand(template, { ok: true })).toBe(NOT_HANDLED);
  });
});
