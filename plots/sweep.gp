# Sweep curves: a measure against the first swept setting, one curve per value of the second,
# with 95 % confidence intervals.  `title` holds "plot title|x label|y label|categorical", where
# categorical is 1 when the setting's values are not numbers (they are then evenly spaced and
# labelled by name).
# $data: a header row, then the value's label (quoted), x, then mean/low/high for each curve.
n = (words($data[1]) - 2) / 3
bar1 = strstrt(title, "|")
rest = substr(title, bar1 + 1, strlen(title))
bar2 = strstrt(rest, "|")
rest2 = substr(rest, bar2 + 1, strlen(rest))
bar3 = strstrt(rest2, "|")
categorical = substr(rest2, bar3 + 1, strlen(rest2)) eq "1"
set title substr(title, 1, bar1 - 1) noenhanced
set xlabel substr(rest, 1, bar2 - 1) noenhanced
set ylabel substr(rest2, 1, bar3 - 1) noenhanced
set key top left noenhanced
set grid
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
if (categorical) {
  set xtics noenhanced
  plot for [i=1:n] $data using 2:(column(3*i)):(column(3*i+1)):(column(3*i+2)):xtic(1) \
       with yerrorlines lw 2 pt 7 title columnheader(3*i)
} else {
  plot for [i=1:n] $data using 2:(column(3*i)):(column(3*i+1)):(column(3*i+2)) \
       with yerrorlines lw 2 pt 7 title columnheader(3*i)
}
