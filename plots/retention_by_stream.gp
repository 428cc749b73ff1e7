# Share of job starters still employed 1, 3, 6 and 12 months after the job start, by stream.
# $data: months since job start and (mean, low, high) in % per stream; keys: the curves' titles.
n = |keys|
set title title noenhanced
set xlabel "Months since the job start"
set ylabel "Still employed (% of job starts)"
set xtics (0, 1, 3, 6, 12)
set xrange [0:12.5]
set yrange [0:105]
set key bottom left noenhanced
set grid
plot for [i=1:n] $data using 1:(column(3*i-1)):(column(3*i)):(column(3*i+1)) \
     with yerrorlines lw 2 pt 7 title keys[i]
