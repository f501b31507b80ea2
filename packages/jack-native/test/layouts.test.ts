// The layouts C++ and TypeScript share are described twice, once per
// language (src/layouts.h, lib/layouts.ts): they must agree.
import { describe, expect, it } from 'vitest';
import { LAYOUTS } from '../lib/layouts.js';
import { native } from '../lib/native.js';

describe('shared layouts', () => {
  it('lib/layouts.ts holds the values of src/layouts.h', () => {
    expect(native.layouts()).toEqual(LAYOUTS);
  });
});
