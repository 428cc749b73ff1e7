# New clients a month by assessed stream, stacked (means over replications).
# $data: YYYY-MM, then clients for each stream; keys: the streams' names.
n = |keys|
set title title noenhanced
set xdata time
set timefmt "%Y-%m"
set format x "%b\n%Y"
set xlabel "Month (calendar)"
set ylabel "New clients in the month"
set key top left noenhanced
set grid ytics
set yrange [0:*]
set style fill solid 0.7 noborder
plot for [i=n:1:-1] $data using 1:(sum [k=2:i+1] column(k)) with filledcurves x1 title keys[i]
