import { groupPaths, groupPathsById } from './realm-file';

describe('organization group trees of the realm file', () => {
  const tree = [
    { id: 'a', name: 'city-admin' },
    { id: 'u', name: 'utility', subGroups: [{ id: 'w', name: 'water' }] },
  ];
  it('lists paths parents first', () => {
    expect(groupPaths(tree)).toEqual(['/city-admin', '/utility', '/utility/water']);
  });
  it('maps declared ids to paths', () => {
    expect(groupPathsById(tree)).toEqual(
      new Map([
        ['a', '/city-admin'],
        ['u', '/utility'],
        ['w', '/utility/water'],
      ]),
    );
  });
});
