# Providers' cumulative cash position (revenue less costs), one line per funding model.
# $data: per month, YYYY-MM and millions of dollars for each model; keys: the models' names.
n = |keys|
set title title noenhanced
set xdata time
set timefmt "%Y-%m"
set format x "%b\n%Y"
set xlabel "Month (calendar)"
set ylabel "Cumulative cash position (millions of CAD)"
set key top left noenhanced
set grid ytics
set xzeroaxis lt -1
plot for [i=1:n] $data using 1:(column(i+1)) with lines lw 2 title keys[i]
