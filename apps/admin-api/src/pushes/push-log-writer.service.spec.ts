import type { PushLogRepository, PushRecord } from './push-log.repository';
import { PushLogWriter } from './push-log-writer.service';

function record(eventId: string): PushRecord {
  return {
    eventId,
    type: 'wechat.message.text',
    componentAppid: 'wxcomponent',
    authorizerAppid: null,
    occurredAt: new Date(0),
    receivedAt: new Date(0),
    replayOf: null,
    secretsHashed: false,
    fields: {},
    rawXml: null,
  };
}

describe(PushLogWriter.name, () => {
  let insertMany: jest.MockedFunction<PushLogRepository['insertMany']>;
  let sut: PushLogWriter;

  beforeEach(() => {
    insertMany = jest.fn(async (records: PushRecord[]) => records.length);
    sut = new PushLogWriter({ insertMany } as unknown as PushLogRepository, {
      batchSize: 3,
      flushMs: 10_000,
    });
  });

  describe('store', () => {
    it('writes a full batch as one INSERT and resolves each push only after it', async () => {
      let settled = 0;
      const stored = ['a', 'b', 'c'].map((id) => sut.store(record(id)).then(() => settled++));
      await Promise.all(stored);
      expect(settled).toBe(3);
      expect(insertMany).toHaveBeenCalledTimes(1);
      expect(insertMany.mock.calls[0]![0].map((entry) => entry.eventId)).toEqual(['a', 'b', 'c']);
    });

    it('writes a partial batch when the timer fires', async () => {
      jest.useFakeTimers();
      try {
        const stored = sut.store(record('a'));
        expect(insertMany).not.toHaveBeenCalled();
        await jest.advanceTimersByTimeAsync(10_000);
        await stored;
        expect(insertMany).toHaveBeenCalledTimes(1);
      } finally {
        jest.useRealTimers();
      }
    });

    it('rejects every push of a batch whose INSERT failed, so none of them is acked', async () => {
      insertMany.mockRejectedValueOnce(new Error('deadlock'));
      const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((id) => sut.store(record(id))));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    });
  });
});
