import { matchesTags, parseTagsFilter } from './tags-filter';

describe('tags filter', () => {
  it('reads a,b as AND and a/b as OR', () => {
    expect(parseTagsFilter(null)).toBeUndefined();
    expect(parseTagsFilter('a')).toEqual({ mode: 'and', tags: ['a'] });
    expect(parseTagsFilter('a,b')).toEqual({ mode: 'and', tags: ['a', 'b'] });
    expect(parseTagsFilter('a/b')).toEqual({ mode: 'or', tags: ['a', 'b'] });
  });

  it("answers Kong's invalid option errors", () => {
    expect(parseTagsFilter('a,b/c')).toMatchObject({
      code: 11,
      name: 'invalid options',
      message: 'invalid option (tags: invalid filter syntax)',
      fields: { tags: 'invalid filter syntax' },
    });
    expect(parseTagsFilter('1,2,3,4,5,6')).toMatchObject({
      message: 'invalid option (tags: cannot query more than 5 tags)',
    });
    expect(parseTagsFilter('a b')).toMatchObject({
      message: "invalid option (tags: must only contain alphanumeric and '., -, _, ~' characters)",
    });
  });

  it('matches entity tags', () => {
    expect(matchesTags(['a', 'b'], { mode: 'and', tags: ['a', 'b'] })).toBe(true);
    expect(matchesTags(['a'], { mode: 'and', tags: ['a', 'b'] })).toBe(false);
    expect(matchesTags(['b'], { mode: 'or', tags: ['a', 'b'] })).toBe(true);
    expect(matchesTags(null, { mode: 'or', tags: ['a'] })).toBe(false);
  });
});
