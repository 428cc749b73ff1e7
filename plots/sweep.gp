# Sweep curves: a measure against the first swept setting, one curve per value of the second,
# with 95 % confidence intervals.  `title` holds "plot title|x label|y label".
# $data: a header row, then x, then mean/low/high for each curve.
n = (words($data[1]) - 1) / 3
bar1 = strstrt(title, "|")
rest = substr(title, bar1 + 1, strlen(title))
bar2 = strstrt(rest, "|")
set title substr(title, 1, bar1 - 1) noenhanced
set xlabel substr(rest, 1, bar2 - 1) noenhanced
set ylabel substr(rest, bar2 + 1, strlen(rest)) noenhanced
set key top left noenhanced
set grid
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
plot for [i=1:n] $data using 1:(column(3*i-1)):(column(3*i)):(column(3*i+1)) \
     with yerrorlines lw 2 pt 7 title columnheader(3*i-1)
