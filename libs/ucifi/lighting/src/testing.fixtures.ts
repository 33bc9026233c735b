import { type LightingProgram } from './program';

/** The classic night program: full at sunset + 30 min, 30 % after midnight, off 15 min before sunrise. */
export const NIGHT_PROGRAM: LightingProgram = {
  schedules: [
    {
      name: 'night',
      priority: 10,
      steps: [
        { at: 'S+30', level: 100 },
        { at: '00:00', level: 30 },
        { at: 'R-15', level: 0 },
      ],
      transition: { fadeSeconds: 60, curve: 'linear' },
    },
  ],
};

export const LYON = { latitude: 45.76, longitude: 4.84 };
