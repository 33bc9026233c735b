import { abilitiesOf, seesCategory } from './roles';

describe('console abilities from the gateway roles', () => {
  it.each([
    [['city-viewer'], { issueCommands: false, handleAlarms: false, manageDevices: false, categories: null }],
    [['utility'], { issueCommands: false, handleAlarms: false, manageDevices: false, categories: ['water'] }],
    [['city-operator'], { issueCommands: true, handleAlarms: true, manageDevices: false, categories: null }],
    [['city-admin'], { issueCommands: true, handleAlarms: true, manageDevices: true, categories: null }],
    [['platform-admin'], { issueCommands: true, handleAlarms: true, manageDevices: true, categories: null }],
    [
      ['utility', 'city-viewer'],
      { issueCommands: false, handleAlarms: false, manageDevices: false, categories: null },
    ],
    [[], { issueCommands: false, handleAlarms: false, manageDevices: false, categories: null }],
  ])('%j may %j', (roles, abilities) => {
    expect(abilitiesOf(roles, ['water'])).toEqual(abilities);
  });

  it('shows a water utility water devices only', () => {
    const water = abilitiesOf(['utility'], ['water']);
    expect(seesCategory(water, 'water')).toBe(true);
    expect(seesCategory(water, 'lighting')).toBe(false);
    expect(seesCategory(abilitiesOf(['city-viewer']), 'lighting')).toBe(true);
  });
});
