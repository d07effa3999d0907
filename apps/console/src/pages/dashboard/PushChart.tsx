import dayjs from 'dayjs';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { PushChart as Chart } from './dashboard';

/** Colours with enough contrast on white, one per series. */
const COLORS = ['#1677ff', '#07a35a', '#d46b08', '#c41d7f', '#531dab', '#08979c', '#595959'];

const minuteLabel = (minute: unknown) => dayjs(String(minute)).format('HH:mm');

/** Stacked bars of pushes per minute, one colour per type (a chunk of its own: recharts is large). */
export default function PushChart({
  chart,
  label,
  otherLabel,
}: {
  chart: Chart;
  label: string;
  otherLabel: string;
}) {
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height: 300 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={chart.points}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="minute" tickFormatter={minuteLabel} minTickGap={24} />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip labelFormatter={minuteLabel} />
          <Legend />
          {chart.series.map((line, index) => (
            <Bar
              key={line.key}
              dataKey={line.key}
              name={line.type ?? otherLabel}
              stackId="pushes"
              fill={COLORS[index % COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
