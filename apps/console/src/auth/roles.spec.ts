import { abilitiesOf } from './roles';

describe('console abilities from the gateway roles', () => {
  it.each([
    [['city-viewer'], { issueCommands: false, handleAlarms: false, manageDevices: false }],
    [['utility'], { issueCommands: false, handleAlarms: false, manageDevices: false }],
    [['city-operator'], { issueCommands: true, handleAlarms: true, manageDevices: false }],
    [['city-admin'], { issueCommands: true, handleAlarms: true, manageDevices: true }],
    [['platform-admin'], { issueCommands: true, handleAlarms: true, manageDevices: true }],
    [[], { issueCommands: false, handleAlarms: false, manageDevices: false }],
  ])('%j may %j', (roles, abilities) => {
    expect(abilitiesOf(roles)).toEqual(abilities);
  });
});
