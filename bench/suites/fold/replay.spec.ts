import { encodeEvent } from '@gantry/config';
import { makeBenchEvents } from '../../../libs/config/src/fold/fold.bench';
import { replayEncoded, replayEncodedIntoMaps, replayIntoMaps } from './replay';

// Not a timing test: it checks that the reference builds the same entities as the real fold.
describe('fold suite replays', () => {
  const events = makeBenchEvents(1_000);
  const lines = events.map(encodeEvent);

  it('the plain-Map references end with the same entity counts as the fold', () => {
    const real = replayEncoded(lines);
    expect(real.counts).toEqual(replayEncodedIntoMaps(lines).counts);
    expect(real.counts).toEqual(replayIntoMaps(events).counts);
    expect(Object.keys(real.counts).sort()).toEqual(['routes', 'services']);
  });

  it('fails when the fold rejects an event rather than measure a shorter path', () => {
    const duplicate = [...lines.slice(0, 1), encodeEvent({ ...events[0], id: 'again', version: 2 })];
    expect(() => replayEncoded(duplicate)).toThrow('1 of 2 bench events were rejected');
  });
});
